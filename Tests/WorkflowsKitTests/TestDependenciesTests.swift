import Foundation
import TestSupport
import TOML
import Testing

@testable import WorkflowsKit

/// Where the gates' tools come from: dependency groups, Poetry's groups, extras and requirement files (the
/// first kind found wins), the lock files' pins, the project file's `group:`/`extra:` entries, and the
/// installers (pip, setuptools, wheel) left out; and what of it travels to the install.
@Suite struct TestDependenciesTests {
    func load(_ files: [String: String]) throws -> Project {
        try ProjectLoader.load(root: FakeRepository(files: files).root)
    }

    func loadError(_ files: [String: String], sourceLocation: SourceLocation = #_sourceLocation) throws -> WorkflowsError {
        let error = try #require(throws: WorkflowsError.self, sourceLocation: sourceLocation) { try load(files) }
        #expect(error.exitCode == 64, sourceLocation: sourceLocation)
        return error
    }

    func requirements(_ project: Project) -> [String] { project.testDependencies.lines.map(\.requirement) }

    // MARK: PEP 735 dependency groups

    static let groups = """
        [project]
        name = "svc"

        [dependency-groups]
        Dev = [
            {include-group = "test"},
            {include-group = "lint"},
            "ipython>=8",
        ]
        test = ["pytest==9.0.3", "coverage[toml]>=7"]
        lint = ["ruff==0.17.5"]
        docs = ["sphinx"]
        Type_Check = ["mypy==2.4.1"]

        """

    @Test func theConventionalGroupsAreUnitedWithTheirIncludesResolved() throws {
        let project = try load(["pyproject.toml": Self.groups])
        #expect(project.testDependencies.entries == ["group:Dev", "group:test", "group:lint"], "docs and Type_Check are not conventional")
        #expect(requirements(project) == ["pytest==9.0.3", "coverage[toml]>=7", "ruff==0.17.5", "ipython>=8"], "each line once")
        #expect(project.testDependencies.lines.first?.origin == "pyproject.toml [dependency-groups] test")
        #expect(project.testDependencies.lines.last?.origin == "pyproject.toml [dependency-groups] Dev")
        #expect(project.origins["test-requirements"] == "convention (pyproject.toml [dependency-groups])")
        #expect(project.testRequirements.isEmpty && project.requirementFiles.isEmpty)
    }

    @Test func groupNamesCompareNormalisedInIncludesAndTheProjectFile() throws {
        let text = "[dependency-groups]\nTESTING = [{include-group = \"Unit.Tests\"}]\nunit_tests = [\"pytest==9.0.3\"]\n"
        #expect(requirements(try load(["pyproject.toml": text])) == ["pytest==9.0.3"])
        let named = try load(["pyproject.toml": Self.groups + "[tool.workflows]\ntest-requirements = [\"group:type-check\"]\n"])
        #expect(requirements(named) == ["mypy==2.4.1"])
        #expect(named.testDependencies.entries == ["group:type-check"])
    }

    @Test func anIncludeGroupCycleIsAUsageErrorAtTheGroupsLine() throws {
        let text = "[dependency-groups]\ndev = [{include-group = \"test\"}]\n\ntest = [\"pytest\", {include-group = \"Dev\"}]\n"
        let error = try loadError(["pyproject.toml": text])
        #expect(error.message.hasPrefix("pyproject.toml:4:1: [dependency-groups] test: its include-group entries form a cycle"), "\(error.message)")
        #expect(error.message.contains("dev → test → Dev"), "\(error.message)")
        let itself = try loadError(["pyproject.toml": "[dependency-groups]\nlint = [{include-group = \"lint\"}]\n"])
        #expect(itself.message.hasPrefix("pyproject.toml:2:1:"), "\(itself.message)")
        let unknown = try loadError(["pyproject.toml": "[dependency-groups]\n\ntest = [{include-group = \"nope\"}]\n"])
        #expect(unknown.message.hasPrefix("pyproject.toml:3:1: [dependency-groups] test: includes the group 'nope'"))
        let wrong = try loadError(["pyproject.toml": "[dependency-groups]\ntest = [3]\n"])
        #expect(wrong.message.contains("an entry must be a requirement string or {include-group = \"NAME\"}, not integer"))
    }

    // MARK: Poetry

    @Test(arguments: [
        ("^1.2.3", ">=1.2.3,<2.0.0"), ("^1.2", ">=1.2,<2.0"), ("^1", ">=1,<2"), ("^0.2.3", ">=0.2.3,<0.3.0"),
        ("^0.0.3", ">=0.0.3,<0.0.4"), ("^0.0", ">=0.0,<0.1"), ("^0", ">=0,<1"), ("~1.2.3", ">=1.2.3,<1.3.0"),
        ("~1.2", ">=1.2,<1.3"), ("~1", ">=1,<2"), ("~=1.2", "~=1.2"), ("*", ""), ("", ""), ("1.2.3", "==1.2.3"),
        ("1.2.*", "==1.2.*"), ("=1.2", "==1.2"), (">= 1.2, < 2.0", ">=1.2,<2.0"), (">=1.2 <2.0", ">=1.2,<2.0"),
        ("!=1.5", "!=1.5"), ("^26.10.1", ">=26.10.1,<27.0.0"),
    ])
    func poetryConstraintsBecomePEP440(constraint: String, specifier: String) {
        #expect(PoetryConstraint.specifier(constraint) == specifier)
    }

    @Test func poetryTablesKeepExtrasAndMarkersAndLeaveSourcesOut() throws {
        func line(_ text: String) throws -> String? {
            let table = try TOMLDecoder.parse("x = \(text)")
            return PoetryConstraint.requirement("pkg", try #require(table["x"]))
        }
        #expect(try line(#"{ version = "^1.2", extras = ["a", "b"] }"#) == "pkg[a,b]>=1.2,<2.0")
        #expect(try line(#"{ version = "~2.4", markers = "sys_platform == 'linux'" }"#) == "pkg>=2.4,<2.5; sys_platform == 'linux'")
        #expect(try line(#"{ path = "../lib", develop = true }"#) == nil)
        #expect(try line(#"{ git = "https://example.invalid/x.git" }"#) == nil)
        #expect(try line(#""^1.0 || ^2.0""#) == "pkg", "no PEP 440 for a union: any version, the lock pins one")
    }

    @Test func poetryGroupsAndDevDependenciesAreUnitedWithoutMainOrPython() throws {
        let text = """
            [tool.poetry]
            name = "svc"

            [tool.poetry.dependencies]
            python = "^3.11"
            flask = "^3.1"

            [tool.poetry.group.test.dependencies]
            pytest = "^9.0.3"

            [tool.poetry.group.lint.dependencies]
            black = "26.10.1"
            isort = { version = "^9.0", extras = ["colors"] }

            [tool.poetry.dev-dependencies]
            mypy = "~2.4.1"
            python = "^3.11"

            """
        let project = try load(["pyproject.toml": text])
        #expect(project.testDependencies.entries == ["group:test", "group:lint", "group:dev"])
        #expect(requirements(project) == [
            "pytest>=9.0.3,<10.0.0", "black==26.10.1", "isort[colors]>=9.0,<10.0", "mypy>=2.4.1,<2.5.0",
        ])
        #expect(project.testDependencies.lines[0].origin == "pyproject.toml [tool.poetry.group.test.dependencies]")
        #expect(project.testDependencies.lines[3].origin == "pyproject.toml [tool.poetry.dev-dependencies]")
        #expect(project.origins["test-requirements"] == "convention (pyproject.toml [tool.poetry])")
    }

    // MARK: extras, files, and the order of the kinds

    @Test func conventionalExtrasAreUnitedAndASelfReferenceStandsForItsExtras() throws {
        let text = """
            [project]
            name = "My.Service"
            [project.optional-dependencies]
            dev = ["my-service[test,lint]", "ipython"]
            test = ["pytest==9.0.3"]
            lint = ["ruff==0.17.5"]
            postgres = ["psycopg"]

            """
        let project = try load(["pyproject.toml": text])
        #expect(project.testDependencies.entries == ["extra:dev", "extra:test"])
        #expect(requirements(project) == ["pytest==9.0.3", "ruff==0.17.5", "ipython"])
        #expect(project.testDependencies.lines.last?.origin == "pyproject.toml [project.optional-dependencies] dev")
    }

    @Test func theFirstKindFoundWinsGroupsThenPoetryThenExtrasThenFiles() throws {
        let groups = "[dependency-groups]\ntest = [\"pytest==9.0.3\"]\n"
        let poetry = "[tool.poetry.group.test.dependencies]\npytest = \"9.0.2\"\n"
        let extras = "[project]\nname = \"x\"\n[project.optional-dependencies]\ntests = [\"pytest==9.0.1\"]\n"
        let file = ["requirements-test.txt": "pytest==9.0.0\n"]
        var files = file
        files["pyproject.toml"] = extras + groups + poetry
        #expect(requirements(try load(files)) == ["pytest==9.0.3"])
        files["pyproject.toml"] = extras + poetry
        #expect(requirements(try load(files)) == ["pytest==9.0.2"])
        files["pyproject.toml"] = extras
        #expect(requirements(try load(files)) == ["pytest==9.0.1"])
        #expect(try load(files).testRequirements.isEmpty, "a kind found: the files are not read")
        files["pyproject.toml"] = "[dependency-groups]\ndocs = [\"sphinx\"]\n"
        let fromFile = try load(files)
        #expect(fromFile.testRequirements == ["requirements-test.txt"] && fromFile.testDependencies.lines.isEmpty,
                "no conventional group: the next kind")
        for name in ["requirements/tests.txt", "requirements/development.txt", "requirements-dev.in", "test-requirements.txt"] {
            #expect(try load([name: "pytest\n"]).testRequirements == [name])
        }
    }

    // MARK: the project file

    @Test func theProjectFileNamesGroupsExtrasAndFiles() throws {
        let text = """
            [project]
            name = "svc"
            [project.optional-dependencies]
            dev = ["ipython"]
            [dependency-groups]
            test = ["pytest==9.0.3"]
            [tool.workflows]
            test-requirements = ["group:test", "extra:dev", "requirements/ci.txt"]

            """
        let project = try load(["pyproject.toml": text, "requirements/ci.txt": "-r base.txt\nflake8==7.5.0\n", "requirements/base.txt": ""])
        #expect(project.testDependencies.entries == ["group:test", "extra:dev", "requirements/ci.txt"])
        #expect(requirements(project) == ["pytest==9.0.3", "ipython"])
        #expect(project.testRequirements == ["requirements/ci.txt"])
        #expect(project.requirementFiles == ["requirements/ci.txt", "requirements/base.txt"])
        #expect(project.origins["test-requirements"] == "pyproject.toml:8")
    }

    @Test func anUnknownGroupOrExtraIsAUsageErrorAtTheKey() throws {
        let base = "[dependency-groups]\ntest = [\"pytest\"]\n"
        let group = try loadError(["pyproject.toml": base, ".workflows.toml": "\ntest-requirements = [\"group:lint\"]\n"])
        #expect(group.message.hasPrefix(".workflows.toml:2:1: 'test-requirements' names group:lint, but pyproject.toml declares no group 'lint' (groups: test)"), "\(group.message)")
        let extra = try loadError(["pyproject.toml": base, ".workflows.toml": "test-requirements = [\"extra:dev\"]\n"])
        #expect(extra.message.hasPrefix(".workflows.toml:1:1: 'test-requirements' names extra:dev, but pyproject.toml declares no extra 'dev'"))
        let file = try loadError([".workflows.toml": "test-requirements = [\"group:test\", \"ci.txt\"]\n", "pyproject.toml": base])
        #expect(file.message.hasPrefix(".workflows.toml:1:1: 'test-requirements' names 'ci.txt', which does not exist"))
    }

    // MARK: lock files

    @Test func theUvSampleIsDependencyGroupsPinnedByItsLock() throws {
        let project = try load(try SampleProjects.folder("uv-project"))
        #expect(project.testDependencies.entries == ["group:dev", "group:lint", "group:test"])
        #expect(requirements(project) == ["pytest==9.0.3", "ruff==0.17.5"])
        #expect(project.testDependencies.lockFile == "uv.lock")
        #expect(project.testDependencies.lockPins.contains("pluggy==1.7.0"))
        #expect(project.testDependencies.lockPins.contains("ruff==0.17.5"))
        #expect(!project.testDependencies.lockPins.contains { $0.hasPrefix("shipping-quotes") }, "the project itself is no pin")
        #expect(project.gates == [.ruffFormat, .ruff, .pytest])
        #expect(project.tools.isEmpty && project.unpinnedTools.isEmpty)
    }

    @Test func thePoetrySampleIsItsGroupsPinnedByItsLockWithBlackAndIsortAsGates() throws {
        let project = try load(try SampleProjects.folder("poetry-project"))
        #expect(project.testDependencies.entries == ["group:test", "group:lint"])
        #expect(requirements(project) == ["pytest==9.0.3", "black==26.10.1", "isort[colors]>=9.0.2,<10.0.0", "mypy>=2.4.1,<2.5.0"])
        #expect(project.testDependencies.lockFile == "poetry.lock")
        #expect(project.testDependencies.lockPins.contains("mypy==2.4.1") && project.testDependencies.lockPins.contains("isort==9.0.2"))
        #expect(project.gates == [.black, .isort, .mypy, .pytest])
        #expect(project.origins["gates"] == "convention (black: listed in pyproject.toml [tool.poetry.group.lint.dependencies], "
            + "no config section; isort: listed in pyproject.toml [tool.poetry.group.lint.dependencies], no config section; "
            + "mypy: pyproject.toml [tool.mypy]; pytest: tests found)")
    }

    @Test func aLockLeavesOutInstallersOtherSourcesAndNamesLockedTwiceAndYieldsToARequirementFile() throws {
        let lock = """
            version = 1
            [[package]]
            name = "svc"
            version = "0.1.0"
            source = { editable = "." }
            [[package]]
            name = "Black"
            version = "26.10.1"
            source = { registry = "https://pypi.org/simple" }
            [[package]]
            name = "numpy"
            version = "2.3.0"
            source = { registry = "https://pypi.org/simple" }
            [[package]]
            name = "numpy"
            version = "2.1.0"
            source = { registry = "https://pypi.org/simple" }
            [[package]]
            name = "setuptools"
            version = "80.0.0"
            source = { registry = "https://pypi.org/simple" }
            [[package]]
            name = "flake8"
            version = "7.5.0"
            source = { registry = "https://pypi.org/simple" }

            """
        let project = try load(["uv.lock": lock, "requirements-test.txt": "flake8==7.4.0\n", ".flake8": "[flake8]\n"])
        #expect(project.testDependencies.lockPins == ["black==26.10.1"])
        let poetry = try load(["poetry.lock": """
            [[package]]
            name = "ruff"
            version = "0.17.5"
            [[package]]
            name = "mylib"
            version = "1.0"
            [package.source]
            type = "git"
            url = "https://example.invalid/mylib.git"

            """, "ruff.toml": ""])
        #expect(poetry.testDependencies.lockPins == ["ruff==0.17.5"])
        #expect(poetry.tools == ["ruff"] && poetry.unpinnedTools.isEmpty, "installed by name, pinned by the lock")
    }

    // MARK: installers and the tools' install

    @Test func installerPinsAreLeftOutOfTheFilesTheLinesAndTheLock() throws {
        let project = try load(try SampleProjects.folder("pip-pin"))
        #expect(project.testDependencies.droppedInstallers == [
            "pip==26.0.1 (requirements-test.txt:2)", "wheel==0.45.1 (requirements-test.txt:3)",
        ])
        let files = try ToolInputs.files(of: project)
        let sent = try #require(files["requirements-test.txt"])
        #expect(sent.contains("# pip==26.0.1  # an installer: left out by workflows\n# wheel==0.45.1"))
        #expect(sent.contains("\nflake8==7.5.0\npytest==9.0.3\n"))
        #expect(sent.split(separator: "\n", omittingEmptySubsequences: false).count
            == (try String(contentsOf: project.root.appendingPathComponent("requirements-test.txt"), encoding: .utf8))
            .split(separator: "\n", omittingEmptySubsequences: false).count, "line numbers kept for pip's messages")
        let grouped = try load(["pyproject.toml": "[dependency-groups]\ndev = [\"pip>=24\", \"SetupTools==1\", \"pytest\"]\n"])
        #expect(requirements(grouped) == ["pytest"])
        #expect(grouped.testDependencies.droppedInstallers == ["pip>=24 (pyproject.toml [dependency-groups] dev)",
                                                               "SetupTools==1 (pyproject.toml [dependency-groups] dev)"])
    }

    /// The install script's constraints, run for real with the host's Python: the image's versions win
    /// over the lock's, and the installers are constrained by neither.
    @Test func theInstallConstraintsPutTheLockUnderTheImageAndLeaveInstallersOut() async throws {
        let script = ToolInputs.prelude + "print('|'.join(merged_pins(['pip==25.1.1', 'Flask==3.1.3', 'setuptools==80'], "
            + "['flask==3.0.0', 'pluggy==1.7.0', 'wheel==0.45.1'])))\n"
        let result = try await FoundationProcessRunner().run(
            Command("python3", ["-c", script], standardInput: Data(#"{"files": {}}"#.utf8)))
        #expect(result.outputText == "Flask==3.1.3|pluggy==1.7.0", "\(result.errorText)")
    }

    func gateTools(_ project: Project) throws -> GateTools {
        let console = try CapturedConsole().console
        let runner = RecordingRunner { _ in .ok() }
        return GateTools(
            project: project, docker: DockerEngine(executable: "docker", runner: runner, console: console), console: console,
            resources: RunResources(
                runID: "r", cancellator: Cancellator(children: ChildProcesses(), cleanupRunner: runner), runner: runner,
                dockerExecutable: "docker"))
    }

    @Test func declaredLinesTravelAsAFileAndTheLockAsPinsAndBothDecideTheKey() throws {
        let project = try load(try SampleProjects.folder("uv-project"))
        let tools = try gateTools(project)
        let spec = try JSONDecoder().decode(GateTools.InstallSpec.self, from: try tools.installSpec(wheels: nil))
        #expect(spec.requirements == [ToolInputs.declaredFile])
        #expect(spec.files[ToolInputs.declaredFile] == """
            # pyproject.toml [dependency-groups] test
            pytest==9.0.3
            # pyproject.toml [dependency-groups] lint
            ruff==0.17.5

            """)
        #expect(spec.pins == project.testDependencies.lockPins && spec.pins.contains("iniconfig==2.3.1"))
        let key = try tools.cacheKey(imageFacts: "3.11.2", user: "service")
        var changed = project
        changed.testDependencies.lines[0].requirement = "pytest==9.0.2"
        #expect(try gateTools(changed).cacheKey(imageFacts: "3.11.2", user: "service") != key)
        changed = project
        changed.testDependencies.lockPins.append("six==1.17.0")
        #expect(try gateTools(changed).cacheKey(imageFacts: "3.11.2", user: "service") != key)
        #expect(try gateTools(project).cacheKey(imageFacts: "3.11.2", user: "service") == key)
    }

    @Test func theRunSaysOnceWhichInstallerPinsItLeavesOutAndSendsTheFilesWithoutThem() async throws {
        let engine = FakeEngine()
        let repository = try FakeRepository(files: try SampleProjects.folder("pip-pin"))
        let image = try ProjectLoader.load(root: repository.root).image
        engine.addImage([image], ImageConfig(id: "sha256:" + String(repeating: "e", count: 64), user: "service", workingDirectory: "/srv",
                                             healthcheck: nil, labels: [:]))
        let (status, console) = try await runWorkflows(["assess_image_code"], engine: engine, root: repository.root)
        #expect(status == 0, "\(console.all)")
        let said = "Test requirements: pip==26.0.1 (requirements-test.txt:2), wheel==0.45.1 (requirements-test.txt:3) left out"
        #expect(console.all.components(separatedBy: said).count == 2, "once: \(console.all)")
        let install = try #require(engine.runs.first { $0.arguments.last == GateTools.installScript })
        let spec = try JSONDecoder().decode(GateTools.InstallSpec.self, from: try #require(install.input))
        #expect(spec.files["requirements-test.txt"]?.contains("\n# pip==26.0.1") == true)
        #expect(spec.requirements == ["requirements-test.txt"] && spec.tools.isEmpty && spec.pins.isEmpty)
    }
}
