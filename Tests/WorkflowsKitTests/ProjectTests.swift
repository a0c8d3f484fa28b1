import Foundation
import TestSupport
import Testing

@testable import WorkflowsKit

/// How a repository becomes a `Project`: where the settings are found, each convention of the README's
/// table, and the errors a wrong project file gets.
@Suite struct ProjectTests {
    func load(_ files: [String: String]) throws -> Project {
        try ProjectLoader.load(root: FakeRepository(files: files).root)
    }

    /// The usage error `files` must give.
    func loadError(_ files: [String: String], sourceLocation: SourceLocation = #_sourceLocation) throws -> WorkflowsError {
        let error = try #require(throws: WorkflowsError.self, sourceLocation: sourceLocation) { try load(files) }
        #expect(error.exitCode == 64, sourceLocation: sourceLocation)
        return error
    }

    // MARK: where the project is described

    @Test func theFirstProjectFileWinsAsRuffFindsItsSettings() throws {
        let all = [
            "workflows.toml": "image = \"a:1\"\n", ".workflows.toml": "image = \"b:1\"\n",
            "pyproject.toml": "[tool.workflows]\nimage = \"c:1\"\n",
        ]
        #expect(try load(all).image == "a:1")
        #expect(try load(all).file == "workflows.toml")
        var rest = all
        rest["workflows.toml"] = nil
        #expect(try load(rest).image == "b:1")
        rest[".workflows.toml"] = nil
        let fromPyproject = try load(rest)
        #expect(fromPyproject.image == "c:1")
        #expect(fromPyproject.origins["image"] == "pyproject.toml:2")
    }

    @Test func withoutProjectFileTheImageIsNamedAfterTheProjectOrTheFolder() throws {
        let named = try load(["pyproject.toml": "[project]\nname = \"My_Service.API\"\n"])
        #expect(named.file == nil)
        #expect(named.image == "my_service.api:latest")
        let repository = try FakeRepository("Some Folder", files: [:])
        #expect(try ProjectLoader.load(root: repository.root).image.hasPrefix("some-folder-"))
    }

    // MARK: conventions

    @Test func testsComeFromTestpathsThenTestsThenTestThenTestModules() throws {
        let testpaths = try load([
            "pyproject.toml": "[tool.pytest.ini_options]\ntestpaths = [\"checks\"]\n", "checks/test_a.py": "",
            "tests/test_b.py": "",
        ])
        #expect(testpaths.tests == ["checks"])
        #expect(testpaths.origins["tests"] == "pyproject.toml [tool.pytest.ini_options]")
        #expect(try load(["tests/test_a.py": "", "test/test_b.py": ""]).tests == ["tests"])
        #expect(try load(["test/test_b.py": ""]).tests == ["test"])
        let modules = try load(["test_a.py": "", "b_test.py": "", "conftest.py": "", "a.py": ""])
        #expect(modules.tests == ["conftest.py", "b_test.py", "test_a.py"])
        #expect(modules.origins["tests"] == "convention")
        let ini = try load(["setup.cfg": "[tool:pytest]\ntestpaths =\n    unit\n    e2e\n", "unit/x.py": "", "e2e/y.py": ""])
        #expect(ini.tests == ["unit", "e2e"])
        #expect(try load(["a.py": ""]).tests == [])
    }

    @Test func sourcesArePackagesModulesAndTests() throws {
        let flat = try load([
            "pkg/__init__.py": "", "notapackage/x.py": "", "app.py": "", "setup.py": "", "gunicorn.conf.py": "",
            "tests/test_a.py": "", "src/inner/__init__.py": "",
        ])
        #expect(flat.sources == ["pkg", "src/inner", "app.py", "tests"])
        let srcOnly = try load(["src/lib/__init__.py": "", "tests/__init__.py": "", "tests/test_lib.py": ""])
        #expect(srcOnly.sources == ["src/lib", "tests"])
    }

    @Test func testRequirementsAreTheFirstConventionalFileWithItsIncludes() throws {
        let candidates = ProjectLoader.testRequirementCandidates
        for (index, name) in candidates.enumerated() {
            var files: [String: String] = [:]
            for later in candidates[index...] { files[later] = "pytest==9.0.3\n" }
            #expect(try load(files).testRequirements == [name])
        }
        let included = try load([
            "requirements-dev.txt": "-r requirements.txt  # the app's own\n--constraint=constraints/pins.txt\nblack==26.10.1\n",
            "requirements.txt": "flask==3.1.3\n", "constraints/pins.txt": "flake8==7.5.0\n", ".flake8": "[flake8]\n",
            "pyproject.toml": "[tool.black]\n[tool.mypy]\n",
        ])
        #expect(included.requirementFiles == ["requirements-dev.txt", "requirements.txt", "constraints/pins.txt"])
        #expect(included.unpinnedTools == ["mypy"], "black is pinned, flake8 constrained, mypy named nowhere")
        #expect(included.tools == ["flake8", "mypy"], "what no file installs is installed by name, under the constraints")
        let error = try loadError(["requirements-test.txt": "pytest\n-r ../outside.txt\n"])
        #expect(error.message.hasPrefix("requirements-test.txt:2: '../outside.txt' is outside the repository"))
        #expect(try loadError(["requirements-test.txt": "-r missing.txt\n"]).message.contains("missing.txt"))
    }

    @Test func gatesAreTheToolsTheProjectConfiguresAndPytestWhenThereAreTests() throws {
        let cases: [([String: String], [Gate])] = [
            (["pyproject.toml": "[tool.black]\n"], [.black]),
            (["pyproject.toml": "[tool.isort]\n"], [.isort]),
            ([".isort.cfg": "[settings]\n"], [.isort]),
            (["setup.cfg": "[isort]\n"], [.isort]),
            (["tox.ini": "[isort]\n"], [.isort]),
            ([".flake8": "[flake8]\n"], [.flake8]),
            (["setup.cfg": "[flake8]\n"], [.flake8]),
            (["tox.ini": "[flake8]\nmax-line-length = 99\n"], [.flake8]),
            (["pyproject.toml": "[tool.mypy]\n"], [.mypy]),
            (["mypy.ini": "[mypy]\n"], [.mypy]),
            ([".mypy.ini": "[mypy]\n"], [.mypy]),
            (["setup.cfg": "[mypy]\n"], [.mypy]),
            (["pyproject.toml": "[tool.ruff]\n"], [.ruff]),
            (["ruff.toml": "line-length = 90\n"], [.ruff]),
            ([".ruff.toml": "[format]\n"], [.ruffFormat, .ruff]),
            (["pyproject.toml": "[tool.ruff.format]\n"], [.ruffFormat, .ruff]),
            (["tests/test_a.py": ""], [.pytest]),
            (["requirements-test.txt": "black==26.10.1\nmypy==2.4.1\n", "setup.cfg": "[metadata]\n"], [.black]),
            (["requirements-test.txt": "isort==9.0.2\nflake8==7.5.0\n"], [.isort]),
        ]
        for (files, gates) in cases {
            #expect(try load(files).gates == gates, "\(files)")
        }
        let origin = try load(["setup.cfg": "[flake8]\n", "tests/test_a.py": ""]).origins["gates"] ?? ""
        #expect(origin == "convention (flake8: setup.cfg [flake8]; pytest: tests found)")
        let listed = try load(["requirements-dev.txt": "black==26.10.1\n"]).origins["gates"]
        #expect(listed == "convention (black: listed in requirements-dev.txt, no config section)",
                "black and isort are installed to be run; mypy, flake8 and ruff run with a config only")
    }

    @Test func configsAreFoundFromTheSourceRootUpAndTravelWithTheTests() throws {
        let project = try load([
            ".workflows.toml": "source-root = \"service\"\n", "pyproject.toml": "[tool.black]\nline-length = 1\n",
            "service/pyproject.toml": "[tool.mypy]\n", ".flake8": "[flake8]\n", "service/conftest.py": "",
            "service/tests/test_a.py": "",
        ])
        #expect(project.gates == [.flake8, .mypy, .pytest], "the nearer pyproject.toml hides the root's black")
        #expect(project.configFiles == [
            .init(source: "service/pyproject.toml", destination: "pyproject.toml"),
            .init(source: ".flake8", destination: ".flake8"),
            .init(source: "service/conftest.py", destination: "conftest.py"),
        ])
    }

    @Test func theThreeSampleShapesResolveAsTheirToolsWould() throws {
        let src = try load(SampleProjects.srcLayout)
        #expect(src.gates == [.ruffFormat, .ruff, .pytest])
        #expect(src.sources == ["src/inventory", "tests"])
        #expect(src.image == "inventory_service:latest")
        #expect(src.health == .url("http://127.0.0.1:8080/health"))
        #expect(src.healthEnvironment == ["PORT": "8080"])
        #expect(src.healthTimeoutSeconds == 30)
        #expect(src.origins["health"] == "pyproject.toml:20")
        let flat = try load(SampleProjects.flatModule)
        #expect(flat.gates == [.black, .flake8, .pytest])
        #expect(flat.sources == ["service.py", "test_service.py"])
        #expect(flat.tests == ["test_service.py"])
        #expect(flat.requirementFiles == ["requirements-dev.txt", "requirements.txt"])
        #expect(flat.unpinnedTools.isEmpty)
        let cfg = try load(SampleProjects.setupCfgOnly)
        #expect(cfg.gates == [.isort, .flake8, .mypy, .pytest])
        #expect(cfg.sources == ["greeter", "tests"])
        #expect(cfg.testRequirements == ["requirements/test.txt"])
        #expect(cfg.origins["tests"] == "setup.cfg [tool:pytest]")
    }

    // MARK: errors in the project file

    @Test func anUnknownKeyNamesFileLineColumnAndTheAllowedKeys() throws {
        let error = try loadError([".workflows.toml": "# comment\nimage = \"a:1\"\n  imag = \"b\"\n"])
        #expect(error.message.hasPrefix(".workflows.toml:3:3: unknown key 'imag'; did you mean 'image'?"))
        #expect(error.message.contains("Allowed here: image, dockerfile, context"))
        let nested = try loadError(["pyproject.toml": "[tool.workflows.health]\nurl = \"http://x/\"\nport = 1\n"])
        #expect(nested.message.hasPrefix("pyproject.toml:3:1: unknown key 'tool.workflows.health.port'"))
    }

    @Test(arguments: [
        ("gates = \"black\"\n", ".workflows.toml:1:1: 'gates' must be an array of strings, not string"),
        ("gates = [\"black\", \"pylint\"]\n", ".workflows.toml:1:1: unknown gate 'pylint' in 'gates'"),
        ("gates = [\"black\", \"black\"]\n", ".workflows.toml:1:1: the gate 'black' is named twice"),
        ("sources = [\"nowhere\"]\n", ".workflows.toml:1:1: 'sources' names 'nowhere', which does not exist"),
        ("\n\ndockerfile = \"../Dockerfile\"\n", ".workflows.toml:3:1: 'dockerfile' names '../Dockerfile', which is outside"),
        ("source-root = \"README\"\n", ".workflows.toml:1:1: 'source-root' names 'README', which is not a folder"),
        ("image = \"Not Valid\"\n", ".workflows.toml:1:1: 'Not Valid' is not a valid image reference"),
        ("health = 3\n", ".workflows.toml:1:1: 'health' must be a table, not integer"),
        ("[health]\nurl = \"http://a/\"\ncommand = \"true\"\n", ".workflows.toml:2:1: health.url and health.command exclude each other"),
        ("[health]\nurl = \"localhost:8000\"\n", ".workflows.toml:2:1: health.url must be an http:// or https:// URL"),
        ("[health]\ntimeout = -1\n", ".workflows.toml:2:1: 'health.timeout' must be a positive number"),
        ("[health]\nenvironment = { PORT = 8080 }\n", ".workflows.toml:2:17: 'health.environment.PORT' must be a string"),
        ("image = \"a:1\n", ".workflows.toml:1:"),
        ("gates = [\"mypy\"]\ntests = []\ngates2 = 1\n", ".workflows.toml:3:1: unknown key 'gates2'"),
    ])
    func aWrongProjectFileIsAUsageErrorAtItsLine(text: String, message: String) throws {
        let error = try loadError([".workflows.toml": text, "README": "x"])
        #expect(error.message.hasPrefix(message), "\(error.message)")
        #expect(error.remedy?.contains("show_project") == true || error.message.contains("TOML"))
    }

    @Test func aPytestGateWithoutTestsIsAnError() throws {
        let error = try loadError([".workflows.toml": "gates = [\"pytest\"]\n"])
        #expect(error.message.contains("the pytest gate has no tests"))
    }

    @Test func anInvalidPyprojectIsAUsageErrorEvenWithoutWorkflowsTable() throws {
        let error = try loadError(["pyproject.toml": "[tool.black]\nline-length = = 3\n"])
        #expect(error.message.hasPrefix("pyproject.toml:2:"))
    }

    @Test func aWrongProjectFileRunsNothingAndExits64() async throws {
        let root = try NumbersAPIShape.make([".workflows.toml": "gates = [\"blak\"]\n"])
        let runner = RecordingRunner()
        let (status, console) = try await runWorkflows(["quality_pipeline"], runner: runner, root: root)
        #expect(status == 64)
        #expect(console.stderr.contains(".workflows.toml:1:1: unknown gate 'blak' in 'gates'; did you mean 'black'?"))
        #expect(runner.commands.isEmpty)
    }

    // MARK: -C and show_project

    @Test func projectDirectoryIsTakenOutOfTheArgumentsAndResolved() throws {
        let here = URL(fileURLWithPath: "/work/here")
        let (root, rest) = try ProjectDirectory.extract(["-C", "sub", "build_ci_image", "--project-dir=/abs"], currentFolder: here)
        #expect(root.path == "/abs")
        #expect(rest == ["build_ci_image"])
        #expect(try ProjectDirectory.extract(["--project-dir", "a/../b"], currentFolder: here).root.path == "/work/here/b")
        #expect(throws: WorkflowsError.self) { try ProjectDirectory.extract(["build_ci_image", "-C"], currentFolder: here) }
        #expect(throws: WorkflowsError.self) { try ProjectDirectory.extract(["--project-dir="], currentFolder: here) }
    }

    @Test func showProjectPrintsEachValueWithItsOrigin() async throws {
        let repository = try FakeRepository(files: SampleProjects.setupCfgOnly)
        let runner = RecordingRunner()
        let (status, console) = try await runWorkflows(
            ["-C", repository.root.path, "show_project"], runner: runner, root: try TemporaryFolder.make())
        #expect(status == 0, "\(console.all)")
        let lines = console.stdout.split(separator: "\n").map { $0.split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ") }
        #expect(lines.contains("tests tests setup.cfg [tool:pytest]"))
        #expect(lines.contains("test-requirements requirements/test.txt convention"))
        #expect(lines.contains { $0.hasPrefix("gates isort, flake8, mypy, pytest convention (isort: setup.cfg [isort]") })
        #expect(runner.commands.isEmpty)
    }

    @Test func theHelpListsTheProjectsGateSteps() async throws {
        let repository = try FakeRepository(files: SampleProjects.srcLayout)
        let (status, console) = try await runWorkflows(["--help"], runner: RecordingRunner(), root: repository.root)
        #expect(status == 0)
        #expect(console.stdout.contains("assess_ruff_format"))
        #expect(console.stdout.contains("python -m ruff check src/inventory tests"))
        #expect(!console.stdout.contains("assess_black"))
        #expect(console.stdout.contains("ruff-format, ruff, pytest"))
    }
}

extension ProjectTests {
    @Test func aHealthURLBecomesAStdlibProbeThatReplacesTheImagesOwn() throws {
        let project = try load(SampleProjects.srcLayout)
        let arguments = probeArguments(project, timeout: 45)
        let command = try #require(arguments.firstIndex(of: "--health-cmd").map { arguments[$0 + 1] })
        #expect(command.contains("urlopen(\"http://127.0.0.1:8080/health\", timeout=5)"), "\(command)")
        #expect(command.hasPrefix("python3 -c '"))
        #expect(arguments.starts(with: ["--env", "PORT=8080"]))
        #expect(arguments.suffix(2) == ["--health-start-period", "45s"])
        let own = try load(["Dockerfile": "FROM x\n", ".workflows.toml": "[health]\nenvironment = { A = \"1\", B = \"2\" }\n"])
        #expect(probeArguments(own, timeout: 60) == ["--env", "A=1", "--env", "B=2"])
    }
}

extension ProjectTests {
    /// The tool holds no app's values: the embedded example lives in .workflows.toml only.
    @Test func noSourceFileNamesTheEmbeddedApp() throws {
        let sources = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Sources")
        let files = try #require(FileManager.default.enumerator(at: sources, includingPropertiesForKeys: nil))
            .compactMap { $0 as? URL }.filter { $0.pathExtension == "swift" }
        #expect(files.count > 40)
        for file in files {
            let text = try String(contentsOf: file, encoding: .utf8)
            #expect(text.range(of: "thenumbers|numbers.?api", options: [.regularExpression, .caseInsensitive]) == nil,
                    "\(file.path) names the embedded app")
        }
    }
}

/// The health container's `--env` and `--health-*` flags, in the order `docker run` gets them.
private func probeArguments(_ project: Project, timeout: Double) -> [String] {
    let run = DockerArguments.run(RunOptions(
        image: "image", environment: AssessImageHealth.environment(project),
        healthcheck: AssessImageHealth.healthcheck(project, timeout: timeout)))
    return Array(run.dropFirst().dropLast())
}
