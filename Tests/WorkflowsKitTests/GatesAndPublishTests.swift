import Foundation
import Testing

@testable import WorkflowsKit

/// assess_image_code, the host gates and publish_image against the fake engine and the fake git.
@Suite struct GatesAndPublishTests {
    /// A repository root with the files the in-image gates copy.
    func repository() throws -> URL {
        try NumbersAPIShape.make(["app/tests/__pycache__/test_x.pyc": "x"])
    }

    static let gatesImage = "workflows-gates:testrun"

    /// The linters' runs: each a `docker exec` in the one shared container of the gates' image.
    func gateRuns(_ engine: FakeEngine) -> [ExecOptions] { engine.gateExecs }

    @Test func everyGateRunsInTheImageEvenAfterOneFails() async throws {
        let engine = FakeEngine()
        engine.program = { $0.arguments.contains("isort") ? .fail(1) : nil }
        let (status, console) = try await runWorkflows(["assess_image_code"], engine: engine, root: try repository())
        #expect(status == 1)
        let gateRuns = gateRuns(engine)
        #expect(gateRuns.count == 4)
        #expect(Set(gateRuns.map(\.container)) == ["workflows-testrun-gates"], "one container for the linters")
        let pytest = try #require(engine.runs.first { $0.name == "workflows-testrun-pytest" }, "the tests in a container of their own")
        #expect(pytest.image == Self.gatesImage && !pytest.remove && pytest.noHealthcheck && pytest.entrypoint == "python")
        #expect(pytest.arguments.prefix(3) == ["-m", "pytest", "tests"] && pytest.mounts.count == 2)
        let container = try #require(engine.runs.first { $0.name == "workflows-testrun-gates" })
        #expect(container.image == Self.gatesImage && container.detach && container.remove)
        #expect(container.labels == [EngineLabels.run("testrun"), RunResources.owner])
        #expect(container.entrypoint == "python" && container.arguments == ["-c", GatesContainer.keeperScript])
        #expect(container.noHealthcheck, "the image's probes would keep it busy")
        #expect(container.environment.isEmpty && container.namedValues.isEmpty, "the environment goes on each exec")
        #expect(DockerArguments.run(container).contains("--no-healthcheck"))
        let tools = try #require(container.mounts.first)
        #expect(tools.volume.hasPrefix(GateTools.namePrefix) && tools.target == "/tmp/workflows-gates" && tools.readOnly,
                "the sealed tools, read-only")
        let caches = try #require(container.mounts.last)
        #expect(caches.volume.hasPrefix(GateTools.cachesPrefix) && caches.target == "/tmp/workflows-shared" && !caches.readOnly,
                "the shared caches, read-write")
        let black = try #require(gateRuns.first { $0.command.contains("black") })
        #expect(black.environment.contains(ContainerVariable("PYTHONPYCACHEPREFIX", "/tmp/workflows-shared/pycache")))
        #expect(black.environment.contains(ContainerVariable("PYTHONDONTWRITEBYTECODE", "")),
                "overrides the image's own, so that bytecode is kept")
        #expect(black.environment.contains(ContainerVariable("PYTHONPATH", "/tmp/workflows-gates/site-packages")))
        #expect(black.environment.contains(ContainerVariable("XDG_CACHE_HOME", "/tmp/workflows-caches/black")))
        #expect(black.command == ["python", "-m", "black", "--check", "thenumbers", "tests"])
        #expect(RunResources.ownerLabel == "workflows.owner=\(ProcessInfo.processInfo.hostName)/\(getpid())")
        #expect(console.stdout.contains("isort   FAILED"))
        #expect(console.stdout.contains("pytest  passed"))
        #expect(console.stderr.contains("Quality gates failed inside numbers-api:latest: isort."))
        #expect(console.stderr.contains("Each gate's output is above. 'workflows style_code' fixes what isort found."))
        // style_code is offered only for what it fixes.
        #expect(GateVerdicts.remedy([.flake8, .mypy, .hadolint, .pytest]) == "Each gate's output is above.")
        #expect(GateVerdicts.remedy([.black, .ruffFormat, .mypy]).hasSuffix("fixes what black, ruff-format found."))
        // The run's cleanup: its containers, its gates' image and its tag of the assessed image are gone.
        #expect(engine.containerNames.isEmpty)
        #expect(engine.imageTags == [FakeEngine.appImage, FakeEngine.baseImage])
        #expect(engine.image(Self.gatesImage) == nil)
    }

    /// The shared container gone mid-gates (an OOM kill, an engine restart) fails the step saying so, not as
    /// the linters' findings (whose remedy would be `style_code`).
    @Test func theSharedContainerGoneMidGatesIsSaidAsSuch() async throws {
        let engine = FakeEngine()
        engine.program = { options in
            guard options.arguments.contains("isort") else { return nil }
            engine.cleanup(using: RecordingRunner()).remove(.container, ["workflows-testrun-gates"], force: true)
            return .fail(1, stderr: "Error response from daemon: Container 3f2a is not running")
        }
        let (status, console) = try await runWorkflows(["assess_image_code"], engine: engine, root: try repository())
        #expect(status == 1)
        #expect(console.stderr.contains("The container the gates run in, workflows-testrun-gates, stopped while isort ran"), "\(console.stderr)")
        #expect(!console.stderr.contains("style_code"))
        #expect(engine.containerNames.isEmpty && engine.image(Self.gatesImage) == nil)
    }

    /// pytest's JUnit XML comes out of its own container before that goes: the test count is read from it.
    @Test func pytestsJUnitIsCopiedOutOfItsContainerBeforeItGoes() async throws {
        let engine = FakeEngine()
        let junit = #"<?xml version="1.0" encoding="utf-8"?><testsuites name="pytest tests"><testsuite name="pytest" "#
            + #"errors="0" failures="0" skipped="0" tests="2" time="0.1"><testcase classname="tests.test_api" name="test_a" "#
            + #"time="0.01" /><testcase classname="tests.test_api" name="test_b" time="0.01" /></testsuite></testsuites>"#
        engine.containerFiles = ["workflows-testrun-pytest": [AssessImageCode.junitPath: Data(junit.utf8)]]
        let (status, console) = try await runWorkflows(["assess_image_code"], engine: engine, root: try repository())
        #expect(status == 0, "\(console.all)")
        #expect(console.stdout.range(of: #"pytest passed in [0-9.]+s: 2 tests"#, options: .regularExpression) != nil, "\(console.stdout)")
        #expect(engine.removals.contains { $0.kind == .container && $0.ids == ["workflows-testrun-pytest"] })
        #expect(engine.containerNames.isEmpty)
    }

    /// The shared container's program is Python that the host's interpreter reads (the engine is not asked).
    @Test func theKeeperScriptIsPython() throws {
        let python = Process()
        python.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        python.arguments = ["python3", "-c", "import ast, sys; ast.parse(sys.stdin.read())"]
        let input = Pipe()
        python.standardInput = input
        try python.run()
        input.fileHandleForWriting.write(Data(GatesContainer.keeperScript.utf8))
        try input.fileHandleForWriting.close()
        python.waitUntilExit()
        #expect(python.terminationStatus == 0)
        #expect(GatesContainer.keeperScript.contains("signal.SIGTERM"), "Podman's rm --force waits for PID 1 otherwise")
    }

    /// A passing step's cleanup removes its gates' container and images by name (the label's sweep lists
    /// every image, slow on a busy engine); a failing one sweeps.
    @Test func aPassingStepRemovesWhatItMadeByName() async throws {
        let engine = FakeEngine()
        let (status, console) = try await runWorkflows(["assess_image_code"], engine: engine, root: try repository())
        #expect(status == 0, "\(console.all)")
        let removals = engine.removals
        #expect(removals.contains { $0.kind == .container && $0.ids == ["workflows-testrun-gates"] && $0.force })
        #expect(removals.contains { $0.kind == .image && $0.ids == [Self.gatesImage, "workflows-assessed:testrun"] && !$0.force })
        #expect(engine.sweeps == 0, "no sweep by label")
        #expect(engine.containerNames.isEmpty)
        #expect(engine.imageTags == [FakeEngine.appImage, FakeEngine.baseImage])
    }

    /// A signal while the tests travel into the gates' image: that short build runs to its end, so that the
    /// cleanup finds its image. Stopped, the CLI returns at once while the engine may still finish the build
    /// (and tag it) after the cleanup swept.
    @Test func aSignalMidGatesBuildLeavesNoGatesImage() async throws {
        let engine = FakeEngine()
        engine.buildSeconds = 0.6
        let git = FakeGit()
        let cancellator = Cancellator(children: ChildProcesses(), cleanupRunner: git.runner)
        // The assessed image's tag comes just before the gates' build: the signal comes 0.2 s into it.
        let signal = Task {
            for _ in 0..<500 where !engine.changes.contains(where: { if case .tag = $0 { true } else { false } }) {
                try? await Task.sleep(nanoseconds: 10_000_000)
            }
            try? await Task.sleep(nanoseconds: 200_000_000)
            _ = cancellator.cancel(signal: SIGINT)
        }
        let (status, console) = try await runWorkflows(
            ["assess_image_code"], engine: engine, git: git, root: try repository(), cancellator: cancellator)
        await signal.value
        #expect(status == ExitCode.signal(SIGINT), "\(console.all)")
        try await Task.sleep(nanoseconds: 800_000_000)  // past the engine's own end of the build
        #expect(engine.image(Self.gatesImage) == nil, "the gates' image, built after the cleanup: \(engine.imageTags)")
        #expect(engine.imageTags == [FakeEngine.appImage, FakeEngine.baseImage])
    }

    @Test func theGatesRunFromTheImageWithTheToolsVolumeAndNoBindMounts() async throws {
        let engine = FakeEngine()
        let (status, console) = try await runWorkflows(["assess_image_code"], engine: engine, root: try repository())
        #expect(status == 0, "\(console.all)")
        let (build, dockerfile) = try #require(engine.builds.first)
        #expect(build.tags == [Self.gatesImage] && build.forceRemove && !build.noCache)
        #expect(dockerfile.hasPrefix("FROM workflows-assessed:testrun\n"))
        let mounts = engine.runs.flatMap(\.mounts).map(\.volume)
        #expect(!mounts.isEmpty && mounts.allSatisfy { $0.hasPrefix(GateTools.namePrefix) || $0.hasPrefix(GateTools.cachesPrefix) },
                "only the tools' and the caches' named volumes, which live in the engine: \(mounts)")
        #expect(engine.tagged.contains { $0 == (FakeEngine.imageID, "workflows-assessed:testrun") })
        let staged = AssessImageCode.dockerfile(
            image: "workflows-assessed:testrun", user: "thenumbers",
            labels: ["workflows.run=testrun", "workflows.owner=host/1"])
        #expect(staged.hasPrefix("FROM workflows-assessed:testrun\nLABEL workflows.run=testrun workflows.owner=host/1\n"),
                "BuildKit reads FROM sha256:… as a pull; every layer must carry the label")
        #expect(DockerArguments.environment(AssessImageCode.environment(imagePythonPath: "/srv/src")).contains("PYTHONPATH=/tmp/workflows-gates/site-packages:/srv/src"))
        #expect(staged.contains("COPY --chown=thenumbers inputs/ ./"))
        #expect(!staged.contains("USER root"))
    }

    @Test func theBuildContextHoldsTheInputsWithoutLitter() throws {
        let root = try repository()
        let engine = FakeEngine()
        let console = try CapturedConsole().console
        let step = AssessImageCode(
            image: "numbers-api:latest", project: try ProjectLoader.load(root: root), docker: engine, console: console,
            resources: resources(engine), details: StepDetails())
        let folder = try TemporaryFolder.make().appendingPathComponent("context")
        try step.stageBuildContext(in: folder, base: "base:r", user: "thenumbers")
        let fileManager = FileManager.default
        for path in ["Dockerfile", "inputs/tests/test_x.py", "inputs/pyproject.toml",
                     "inputs/.flake8", "inputs/.isort.cfg"] {
            #expect(fileManager.fileExists(atPath: folder.appendingPathComponent(path).path), "\(path)")
        }
        #expect(!fileManager.fileExists(atPath: folder.appendingPathComponent("inputs/tests/__pycache__").path))
    }

    func resources(_ engine: FakeEngine, runID: String = "r") -> RunResources {
        let runner = FakeGit().runner
        return RunResources(
            runID: runID, cancellator: Cancellator(children: ChildProcesses(), cleanupRunner: runner), runner: runner,
            engine: engine)
    }

    func gateTools(_ root: URL, engine: FakeEngine, runID: String = "r") throws -> GateTools {
        GateTools(
            project: try ProjectLoader.load(root: root), docker: engine, console: try CapturedConsole().console,
            resources: resources(engine, runID: runID))
    }

    @Test func theGateToolsAreInstalledOnceIntoAVolumeThatASealNames() async throws {
        let engine = FakeEngine()
        let root = try repository()
        let (status, console) = try await runWorkflows(["assess_image_code"], engine: engine, root: root)
        #expect(status == 0, "\(console.all)")
        let install = try #require(engine.runs.first { $0.arguments.last == GateTools.installScript })
        #expect(install.remove && install.interactive && install.name == "workflows-testrun-tools" && install.user == "root",
                "root in the container writes the volume; stdin carries the requirement files; named for its cleanup")
        let volume = try #require(install.mounts.first { $0.target == "/tmp/workflows-gates" }).volume
        #expect(volume.hasPrefix("workflows-gate-tools-") && volume.hasSuffix("-testrun"), "a volume of the run's own: \(volume)")
        #expect(install.mounts.contains { $0.volume.hasPrefix("workflows-gate-caches-") })
        #expect(!install.mounts.contains { $0.target == ToolWheels.folder }, "no wheels were fetched: assess_image_code ran alone")
        let spec = try JSONDecoder().decode(GateTools.InstallSpec.self, from: try #require(install.input))
        #expect(spec.files["requirements-test.txt"] == "black==1\nisort==1\nflake8==1\nmypy==1\npytest==1\n")
        #expect(spec.requirements == ["requirements-test.txt"] && spec.target == "/tmp/workflows-gates/site-packages")
        #expect(spec.caches == ["/tmp/workflows-shared/mypy", "/tmp/workflows-shared/pycache"] && spec.wheels == nil)
        #expect(console.stdout.contains("Gate tools: installing them once into \(volume)"))
        // The seal names the install, which outlives the run; the install's own volume says who made it.
        let seal = String(volume.dropLast("-testrun".count))
        #expect(engine.volumes[seal]?[EngineLabels.sealedTools] == volume)
        #expect(engine.volumes[volume]?[EngineLabels.installer] == "testrun")
        #expect(engine.volumes[volume]?["workflows.owner"] == RunResources.ownerLabel.dropFirst("workflows.owner=".count).description)
        let changes = engine.changes
        let sealing = try #require(changes.firstIndex { if case .createVolume(seal, _) = $0 { true } else { false } })
        #expect(sealing > (try #require(changes.firstIndex(of: .run(install)))), "sealed only after the install")

        let (again, reuse) = try await runWorkflows(["assess_image_code"], engine: engine, root: root)
        #expect(again == 0)
        #expect(reuse.stdout.contains("Gate tools: reusing \(volume)"))
        #expect(engine.runs.filter { $0.arguments.last == GateTools.installScript }.count == 1)
    }

    @Test func theInstallScriptConstrainsToTheImageAndTriesTheFetchedWheelsFirst() {
        let script = GateTools.installScript
        #expect(script.contains(#""--constraint", os.path.join(work, "constraints.txt")"#))
        #expect(script.contains("metadata.distributions()"), "the image's own versions are the constraints")
        #expect(script.contains(#"["--no-index", "--find-links", wheels]"#))
        #expect(script.contains(#""--no-compile", "--target""#))
        #expect(script.contains("0o1777"), "the image's user writes the shared caches")
    }

    @Test func aFailedInstallRemovesItsVolumeAndSealsNothing() async throws {
        let engine = FakeEngine()
        engine.program = { options in
            options.arguments.last == GateTools.installScript
                ? .fail(1, stderr: "ERROR: No matching distribution found for black==99") : nil
        }
        let (status, console) = try await runWorkflows(["assess_image_code"], engine: engine, root: try repository())
        #expect(status == 1)
        #expect(console.stderr.contains("Installing the gates' tools into a container of the image failed."))
        #expect(!engine.volumes.keys.contains { $0.hasPrefix(GateTools.namePrefix) }, "\(engine.volumes.keys)")
        #expect(!engine.volumes.values.contains { $0[EngineLabels.sealedTools] != nil }, "no seal")
        #expect(gateRuns(engine).isEmpty, "no gate ran")
        // A stopped install's container may still hold the volume: it goes first.
        let removals = engine.removals
        let container = try #require(removals.firstIndex { $0.kind == .container && $0.ids == ["workflows-testrun-tools"] })
        let volume = try #require(removals.firstIndex { $0.kind == .volume && $0.ids.contains { $0.hasPrefix(GateTools.namePrefix) } })
        #expect(container < volume)
    }

    @Test func aRunThatSealsSecondUsesTheFirstRunsToolsAndRemovesItsOwn() async throws {
        let engine = FakeEngine()
        let root = try repository()
        let tools = try gateTools(root, engine: engine)
        let key = try tools.cacheKey(imageFacts: "", user: "thenumbers")
        _ = try await engine.tag(FakeEngine.appImage, as: "workflows-assessed:r", output: .captured)
        // Another run sealed the same key while this one installed.
        let seal = GateTools.namePrefix + key
        engine.volumes[seal] = [EngineLabels.sealedTools: "\(seal)-other"]
        engine.volumes["\(seal)-other"] = [:]
        let prepared = try await tools.install(
            into: "\(seal)-r", seal: seal, caches: GateTools.cachesPrefix + key, image: "workflows-assessed:r", python: "python", key: key,
            prefetchKey: nil, wheels: nil)
        #expect(prepared.volume == "\(seal)-other")
        #expect(engine.volumes["\(seal)-r"] == nil, "its own copy is gone")
        #expect(engine.volumes["\(seal)-other"] != nil)
    }

    @Test func theKeyChangesWithWhatDecidesTheTools() throws {
        let root = try repository()
        let tools = try gateTools(root, engine: FakeEngine())
        let key = try tools.cacheKey(imageFacts: "3.11.2\nx86_64\nflask==3.1.3", user: "app")
        #expect(try tools.cacheKey(imageFacts: "3.11.2\nx86_64\nflask==3.1.3", user: "app") == key)
        #expect(try tools.cacheKey(imageFacts: "3.11.2\nx86_64\nflask==3.1.4", user: "app") != key)
        #expect(try tools.cacheKey(imageFacts: "3.11.2\nx86_64\nflask==3.1.3", user: "root") != key)
        try Data("black==2\n".utf8).write(to: root.appendingPathComponent("requirements-test.txt"))
        #expect(try tools.cacheKey(imageFacts: "3.11.2\nx86_64\nflask==3.1.3", user: "app") != key)
    }

    @Test func hostGatesRunWithTheHostPythonInTheSourceFolder() async throws {
        let git = FakeGit()
        git.hostPython = { $0.arguments.contains("mypy") ? .fail(1) : nil }
        let engine = FakeEngine()
        let root = try repository()
        let (status, console) = try await runWorkflows(["assess_code"], engine: engine, git: git, root: root)
        #expect(status == 1)
        let runs = git.runner.commands.filter { $0.executable != "git" }
        #expect(runs.count == 5)
        #expect(runs.allSatisfy { $0.executable == "python3" && $0.workingDirectory == root.appendingPathComponent("app").path })
        #expect(runs.map(\.arguments).contains(["-m", "flake8", "thenumbers", "tests"]))
        #expect(console.stderr.contains("mypy"))
        #expect(console.stdout.contains("==>> python3 -m pytest tests"))
        #expect(engine.changes.isEmpty, "the host gates need no engine")
    }

    // MARK: publish_image

    func publishing(branch: String = "main", tag: String? = nil, recorded: Bool = true) throws -> (FakeEngine, FakeGit, URL) {
        let git = FakeGit()
        git.branch = branch
        git.exactTag = tag
        let gitDirectory = try TemporaryFolder.make()
        git.gitDirectory = gitDirectory
        if recorded {
            let entry = PassRecord.Entry(
                image: "numbers-api:latest", imageID: FakeEngine.imageID, commit: FakeGit.commit, recordedAt: "now")
            let file = gitDirectory.appendingPathComponent("workflows/passed/numbers-api_latest.json")
            try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
            try JSONEncoder().encode(entry).write(to: file)
        }
        return (FakeEngine(), git, gitDirectory)
    }

    static let releaseTags = ["v1.2.3", "1.2.3", "1.2", "1", "latest"].map { "127.0.0.1:5000/o/app:\($0)" }

    @Test func publishPushesEveryTagAndPrintsDigests() async throws {
        let (engine, git, _) = try publishing(tag: "v1.2.3")
        let (status, console) = try await runWorkflows(
            ["publish_image", "--publish-repository", "127.0.0.1:5000/o/app"], engine: engine, git: git)
        #expect(status == 0, "\(console.all)")
        #expect(engine.pushes == Self.releaseTags)
        #expect(engine.registry("127.0.0.1:5000")?.pushed.keys.sorted() == Self.releaseTags.sorted())
        #expect(console.stdout.contains("127.0.0.1:5000/o/app:1.2@" + FakeEngine.digest(of: FakeEngine.imageID)))
        #expect(engine.tagged.contains { $0 == (FakeEngine.imageID, "127.0.0.1:5000/o/app:1.2") }, "the verified ID, not the name")
        #expect(engine.imageTags == [FakeEngine.appImage, FakeEngine.baseImage], "no local tag stays")
    }

    /// A registry that stops mid-push: what was and was not pushed is said, and no local tag stays.
    @Test func aFailedPushSaysWhatWasNotPushedAndLeavesNoTag() async throws {
        let (engine, git, _) = try publishing(tag: "v1.2.3")
        engine.setRegistry("127.0.0.1:5000", .init(refusal: "received unexpected HTTP status: 500 Internal Server Error"))
        let (status, console) = try await runWorkflows(
            ["publish_image", "--publish-repository", "127.0.0.1:5000/o/app"], engine: engine, git: git)
        #expect(status == 1)
        let all = Self.releaseTags
        #expect(console.stderr.contains("Pushing \(all[0]) failed: received unexpected HTTP status: 500 Internal Server Error. "
            + "Nothing was pushed. Not pushed: \(all.joined(separator: ", "))."), "\(console.stderr)")
        #expect(engine.tagged.map(\.target) == [all[0]] && engine.pushes == [all[0]])
        #expect(engine.imageTags == [FakeEngine.appImage, FakeEngine.baseImage], "the tag went with the failure")
    }

    @Test func publishLogsInWithThePasswordAndNeverShowsIt() async throws {
        let (engine, git, _) = try publishing()
        let password = "s3cret-Pa55"
        engine.setRegistry("ghcr.io", .init(user: "bot", password: password))
        let (status, console) = try await runWorkflows(
            ["publish_image"],
            environment: ["WORKFLOWS_REGISTRY_USER": "bot", "WORKFLOWS_REGISTRY_PASSWORD": password,
                          "GITHUB_REPOSITORY": "Owner/Numbers-API"],
            engine: engine, git: git)
        #expect(status == 0, "\(console.all)")
        #expect(engine.changes.contains(.login("ghcr.io", user: "bot", password: password)))
        #expect(!console.all.contains(password))
        #expect(engine.registry("ghcr.io")?.pushed["ghcr.io/owner/numbers-api:latest"] != nil, "pushed, logged in")
        #expect(engine.changes.last == .logout("ghcr.io"))
        #expect(engine.registry("ghcr.io")?.loggedIn == false)
    }

    @Test func aFailedLoginPushesNothing() async throws {
        let (engine, git, _) = try publishing()
        engine.setRegistry("127.0.0.1:5000", .init(user: "bot", password: "the-right-one"))
        let (status, console) = try await runWorkflows(
            ["publish_image", "--publish-repository", "127.0.0.1:5000/o/app"],
            environment: ["WORKFLOWS_REGISTRY_USER": "bot", "WORKFLOWS_REGISTRY_PASSWORD": "pw-123456"],
            engine: engine, git: git)
        #expect(status == 1)
        #expect(console.stderr.contains("docker login to 127.0.0.1:5000 as bot failed"), "\(console.stderr)")
        #expect(console.all.contains("incorrect username or password"))
        #expect(engine.pushes.isEmpty && engine.tagged.isEmpty)
        #expect(!console.all.contains("pw-123456"))
    }

    @Test func aFeatureBranchPublishesNothingAndSucceeds() async throws {
        let (engine, git, _) = try publishing(branch: "feature/x")
        let (status, console) = try await runWorkflows(
            ["publish_image", "--publish-repository", "127.0.0.1:5000/o/app"], engine: engine, git: git)
        #expect(status == 0)
        #expect(console.stdout.contains("Nothing to publish: branch feature/x"))
        #expect(engine.pushes.isEmpty)
    }

    @Test func onGitHubActionsTheRefComesFromItsVariables() async throws {
        let (engine, git, _) = try publishing(branch: "HEAD")
        let (status, _) = try await runWorkflows(
            ["publish_image", "--publish-repository", "127.0.0.1:5000/o/app"],
            environment: ["GITHUB_ACTIONS": "true", "GITHUB_REF_TYPE": "tag", "GITHUB_REF_NAME": "v2.0.0"],
            engine: engine, git: git)
        #expect(status == 0)
        #expect(engine.pushes.contains("127.0.0.1:5000/o/app:2.0") && engine.pushes.contains("127.0.0.1:5000/o/app:latest"))
    }

    @Test(arguments: [false, true])
    func anImageThatDidNotPassIsRefused(recordExists: Bool) async throws {
        let (engine, git, gitDirectory) = try publishing(recorded: recordExists)
        if recordExists {
            let entry = PassRecord.Entry(
                image: "numbers-api:latest", imageID: "sha256:" + String(repeating: "c", count: 64),
                commit: FakeGit.commit, recordedAt: "now")
            try JSONEncoder().encode(entry).write(
                to: gitDirectory.appendingPathComponent("workflows/passed/numbers-api_latest.json"))
        }
        let (status, console) = try await runWorkflows(
            ["publish_image", "--publish-repository", "127.0.0.1:5000/o/app"], engine: engine, git: git)
        #expect(status == 1)
        #expect(console.stderr.contains("Refusing to publish"))
        #expect(console.stderr.contains("quality_pipeline"))
        #expect(engine.pushes.isEmpty && engine.tagged.isEmpty)

        let (forced, _) = try await runWorkflows(
            ["publish_image", "--publish-repository", "127.0.0.1:5000/o/app", "--allow-unverified-image"],
            engine: engine, git: git)
        #expect(forced == 0)
        #expect(!engine.pushes.isEmpty)
    }

    @Test func dryRunPrintsTheCommandsAndChangesNothing() async throws {
        let (engine, git, _) = try publishing(tag: "v1.0.0")
        let (status, console) = try await runWorkflows(
            ["publish_image", "--dry-run", "--publish-repository", "127.0.0.1:5000/o/app"],
            environment: ["WORKFLOWS_REGISTRY_USER": "bot", "WORKFLOWS_REGISTRY_PASSWORD": "pw-123456"],
            engine: engine, git: git)
        #expect(status == 0)
        #expect(console.stdout.contains("==>> docker push 127.0.0.1:5000/o/app:1.0"))
        #expect(console.stdout.contains("==>> docker tag \(FakeEngine.imageID) 127.0.0.1:5000/o/app:1.0\n"))
        #expect(console.stdout.contains("==>> docker login --username bot --password-stdin 127.0.0.1:5000"))
        #expect(engine.changes.isEmpty)
    }

    @Test func anInvalidGitTagIsAnErrorAndPushesNothing() async throws {
        let (engine, git, _) = try publishing(tag: "release+1")
        let (status, console) = try await runWorkflows(
            ["publish_image", "--publish-repository", "127.0.0.1:5000/o/app"], engine: engine, git: git)
        #expect(status == 1)
        #expect(console.stderr.contains("not a valid Docker tag"))
        #expect(engine.pushes.isEmpty)
    }

    func settings() throws -> Settings {
        guard case .run(_, let settings) = try Invocation.parse(["assess_image_code"], environment: [:], project: .numbersAPI)
        else { throw WorkflowsError(.usage, "unexpected") }
        return settings
    }
}
