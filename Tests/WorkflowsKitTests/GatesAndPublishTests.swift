import Foundation
import Testing

@testable import WorkflowsKit

/// assess_image_code, the host gates and publish_image against the fake engine.
@Suite struct GatesAndPublishTests {
    /// A repository root with the files the in-image gates copy.
    func repository() throws -> URL {
        try NumbersAPIShape.make(["app/tests/__pycache__/test_x.pyc": "x"])
    }

    @Test func everyGateRunsInTheImageEvenAfterOneFails() async throws {
        let engine = ScriptedDockerCLI()
        let runner = RecordingRunner { command in
            if command.arguments.contains("isort") { return .fail(1) }
            return engine.runner.runBlockingAnswer(command)
        }
        let (status, console) = try await runWorkflows(["assess_image_code"], runner: runner, root: try repository())
        #expect(status == 1)
        let gateRuns = runner.argvs().filter { $0.first == "run" && $0.contains("--name") }
        #expect(gateRuns.count == 5)
        let black = try #require(gateRuns.first { $0.contains("workflows-testrun-black") })
        #expect(Array(black.prefix(8)) == [
            "run", "--rm", "--name", "workflows-testrun-black", "--label", "workflows.run=testrun",
            "--label", RunResources.ownerLabel,
        ])
        #expect(black[8] == "--mount" && black[9] == "type=volume,source=\(ScriptedDockerCLI.cachedTools),target=/tmp/workflows-gates,ro",
                "the sealed tools, ro: Podman 4 refuses readonly")
        #expect(black[10] == "--mount" && black[11].hasPrefix("type=volume,source=workflows-gate-caches-")
            && black[11].hasSuffix(",target=/tmp/workflows-shared"), "the shared caches, read-write")
        #expect(black.contains("PYTHONPYCACHEPREFIX=/tmp/workflows-shared/pycache"))
        #expect(black.contains("PYTHONDONTWRITEBYTECODE="), "overrides the image's own, so that bytecode is kept")
        #expect(black.contains("PYTHONPATH=/tmp/workflows-gates/site-packages"))
        #expect(Array(black.suffix(8)) == [
            "--entrypoint", "python", "workflows-gates:testrun", "-m", "black", "--check", "thenumbers", "tests",
        ])
        #expect(RunResources.ownerLabel == "workflows.owner=\(ProcessInfo.processInfo.hostName)/\(getpid())")
        #expect(console.stdout.contains("isort   FAILED"))
        #expect(console.stdout.contains("pytest  passed"))
        #expect(console.stderr.contains("Quality gates failed inside numbers-api:latest: isort."))
        #expect(runner.argvs().contains(["image", "rm", "--force", "image-testrun"]))
        #expect(runner.argvs().contains(["rm", "--force", "--volumes", "container-testrun"]))
        #expect(runner.argvs().contains(["image", "rm", "workflows-assessed:testrun"]))
    }

    @Test func theGatesRunFromTheImageWithTheToolsVolumeAndNoBindMounts() async throws {
        let engine = ScriptedDockerCLI()
        let (status, console) = try await runWorkflows(["assess_image_code"], runner: engine.runner, root: try repository())
        #expect(status == 0, "\(console.all)")
        let argvs = engine.runner.argvs()
        let build = try #require(argvs.first { $0.first == "build" })
        #expect(build.prefix(4) == ["build", "--force-rm", "--tag", "workflows-gates:testrun"])
        #expect(!argvs.joined().contains { $0 == "-v" || $0 == "--volume" })
        let mounts = argvs.flatMap { argv in argv.indices.filter { argv[$0] == "--mount" }.map { argv[$0 + 1] } }
        #expect(!mounts.isEmpty && mounts.allSatisfy {
            $0.hasPrefix("type=volume,source=workflows-gate-tools-") || $0.hasPrefix("type=volume,source=workflows-gate-caches-")
        }, "only the tools' and the caches' named volumes, which live in the engine: \(mounts)")
        #expect(argvs.contains(["tag", ScriptedDockerCLI.imageID, "workflows-assessed:testrun"]))
        let dockerfile = AssessImageCode.dockerfile(
            image: "workflows-assessed:testrun", user: "thenumbers",
            labels: ["workflows.run=testrun", "workflows.owner=host/1"])
        #expect(dockerfile.hasPrefix("FROM workflows-assessed:testrun\nLABEL workflows.run=testrun workflows.owner=host/1\n"),
                "BuildKit reads FROM sha256:… as a pull; every layer must carry the label")
        #expect(DockerArguments.environment(AssessImageCode.environment(imagePythonPath: "/srv/src")).contains("PYTHONPATH=/tmp/workflows-gates/site-packages:/srv/src"))
        #expect(dockerfile.contains("COPY --chown=thenumbers inputs/ ./"))
        #expect(!dockerfile.contains("USER root"))
        #expect(!argvs.contains { $0.contains(GateTools.installScript) }, "sealed tools are reused, not installed")
    }
    @Test func theBuildContextHoldsTheInputsWithoutLitter() throws {
        let root = try repository()
        let engine = ScriptedDockerCLI()
        let console = try CapturedConsole().console
        let step = AssessImageCode(
            image: "numbers-api:latest", project: try ProjectLoader.load(root: root),
            docker: DockerEngine(executable: "docker", runner: engine.runner, console: console), console: console,
            resources: RunResources(
                runID: "r", cancellator: Cancellator(children: ChildProcesses(), cleanupRunner: engine.runner),
                runner: engine.runner, dockerExecutable: "docker"), details: StepDetails())
        let folder = try TemporaryFolder.make().appendingPathComponent("context")
        try step.stageBuildContext(in: folder, base: "base:r", user: "thenumbers")
        let fileManager = FileManager.default
        for path in ["Dockerfile", "inputs/tests/test_x.py", "inputs/pyproject.toml",
                     "inputs/.flake8", "inputs/.isort.cfg"] {
            #expect(fileManager.fileExists(atPath: folder.appendingPathComponent(path).path), "\(path)")
        }
        #expect(!fileManager.fileExists(atPath: folder.appendingPathComponent("inputs/tests/__pycache__").path))
    }

    func gateTools(_ root: URL, engine: ScriptedDockerCLI, runID: String = "r") throws -> GateTools {
        let console = try CapturedConsole().console
        return GateTools(
            project: try ProjectLoader.load(root: root),
            docker: DockerEngine(executable: "docker", runner: engine.runner, console: console),
            console: console, resources: RunResources(
                runID: runID, cancellator: Cancellator(children: ChildProcesses(), cleanupRunner: engine.runner),
                runner: engine.runner, dockerExecutable: "docker"))
    }

    @Test func theGateToolsAreInstalledOnceIntoAVolumeThatASealNames() async throws {
        let engine = ScriptedDockerCLI()
        engine.toolsCached = false
        let root = try repository()
        let (status, console) = try await runWorkflows(["assess_image_code"], runner: engine.runner, root: root)
        #expect(status == 0, "\(console.all)")
        let commands = engine.runner.commands.filter { $0.executable == "docker" }
        let install = try #require(commands.first { $0.arguments.last == GateTools.installScript })
        let args = install.arguments
        #expect(Array(args.prefix(7)) == ["run", "--rm", "--interactive", "--name", "workflows-testrun-tools", "--user", "root"],
                "root in the container writes the volume; stdin carries the requirement files; named for its cleanup")
        let toolsMount = try #require(args.first { $0.hasSuffix(",target=/tmp/workflows-gates") })
        let volume = String(toolsMount.dropFirst("type=volume,source=".count).prefix { $0 != "," })
        #expect(volume.hasPrefix("workflows-gate-tools-") && volume.hasSuffix("-testrun"), "a volume of the run's own: \(volume)")
        #expect(args.contains { $0.hasPrefix("type=volume,source=workflows-gate-caches-") })
        #expect(!args.contains { $0.contains(ToolWheels.folder) }, "no wheels were fetched: assess_image_code ran alone")
        let spec = try JSONDecoder().decode(GateTools.InstallSpec.self, from: try #require(install.standardInput))
        #expect(spec.files["requirements-test.txt"] == "black==1\nisort==1\nflake8==1\nmypy==1\npytest==1\n")
        #expect(spec.requirements == ["requirements-test.txt"] && spec.target == "/tmp/workflows-gates/site-packages")
        #expect(spec.caches == ["/tmp/workflows-shared/mypy", "/tmp/workflows-shared/pycache"] && spec.wheels == nil)
        #expect(console.stdout.contains("Gate tools: installing them once into \(volume)"))
        // The seal names the install, which outlives the run; the install's own volume says who made it.
        let seal = String(volume.dropLast("-testrun".count))
        #expect(engine.volumes[seal]?[EngineLabels.sealedTools] == volume)
        #expect(engine.volumes[volume]?[EngineLabels.installer] == "testrun")
        #expect(engine.volumes[volume]?["workflows.owner"] == RunResources.ownerLabel.dropFirst("workflows.owner=".count).description)
        #expect(!engine.runner.argvs().contains(["volume", "rm", "--force", volume]), "the cache outlives the run")
        let sealing = try #require(commands.firstIndex { $0.arguments.prefix(2) == ["volume", "create"] && $0.arguments.last == seal })
        #expect(sealing > (try #require(commands.firstIndex { $0 == install })), "sealed only after the install")

        let (again, reuse) = try await runWorkflows(["assess_image_code"], runner: engine.runner, root: root)
        #expect(again == 0)
        #expect(reuse.stdout.contains("Gate tools: reusing \(volume)"))
        #expect(engine.runner.argvs().filter { $0.last == GateTools.installScript }.count == 1)
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
        let engine = ScriptedDockerCLI()
        engine.toolsCached = false
        engine.toolsInstallFails = true
        let (status, console) = try await runWorkflows(["assess_image_code"], runner: engine.runner, root: try repository())
        #expect(status == 1)
        #expect(console.stderr.contains("Installing the gates' tools into a container of the image failed."))
        let removed = engine.runner.argvs().filter { $0.prefix(3) == ["volume", "rm", "--force"] }.map { $0[3] }
        #expect(removed.contains { $0.hasPrefix("workflows-gate-tools-") && $0.hasSuffix("-testrun") })
        #expect(!engine.volumes.values.contains { $0[EngineLabels.sealedTools] != nil }, "no seal")
        #expect(!engine.runner.argvs().contains { $0.first == "run" && $0.contains("--name") && $0.last != GateTools.installScript },
                "no gate ran")
        // A stopped install's container may still hold the volume: it goes first.
        let argvs = engine.runner.argvs()
        let container = try #require(argvs.firstIndex(of: ["rm", "--force", "--volumes", "workflows-testrun-tools"]))
        #expect(container < (argvs.firstIndex { $0.prefix(3) == ["volume", "rm", "--force"] } ?? -1))
    }

    @Test func aRunThatSealsSecondUsesTheFirstRunsToolsAndRemovesItsOwn() async throws {
        let engine = ScriptedDockerCLI()
        engine.toolsCached = false
        let root = try repository()
        let tools = try gateTools(root, engine: engine)
        let key = try tools.cacheKey(imageFacts: "", user: "thenumbers")
        // Another run sealed the same key while this one installed.
        let seal = GateTools.namePrefix + key
        engine.volumes[seal] = [EngineLabels.sealedTools: "\(seal)-other"]
        engine.volumes["\(seal)-other"] = [:]
        let prepared = try await tools.install(
            into: "\(seal)-r", seal: seal, caches: GateTools.cachesPrefix + key, image: "workflows-assessed:r", python: "python", key: key,
            prefetchKey: nil, wheels: nil)
        #expect(prepared.volume == "\(seal)-other")
        #expect(engine.runner.argvs().contains(["volume", "rm", "--force", "\(seal)-r"]))
    }

    @Test func theKeyChangesWithWhatDecidesTheTools() throws {
        let root = try repository()
        let tools = try gateTools(root, engine: ScriptedDockerCLI())
        let key = try tools.cacheKey(imageFacts: "3.11.2\nx86_64\nflask==3.1.3", user: "app")
        #expect(try tools.cacheKey(imageFacts: "3.11.2\nx86_64\nflask==3.1.3", user: "app") == key)
        #expect(try tools.cacheKey(imageFacts: "3.11.2\nx86_64\nflask==3.1.4", user: "app") != key)
        #expect(try tools.cacheKey(imageFacts: "3.11.2\nx86_64\nflask==3.1.3", user: "root") != key)
        try Data("black==2\n".utf8).write(to: root.appendingPathComponent("requirements-test.txt"))
        #expect(try tools.cacheKey(imageFacts: "3.11.2\nx86_64\nflask==3.1.3", user: "app") != key)
    }

    @Test func hostGatesRunWithTheHostPythonInTheSourceFolder() async throws {
        let runner = RecordingRunner { command in
            command.arguments.contains("mypy") ? .fail(1) : .ok()
        }
        let root = try repository()
        let (status, console) = try await runWorkflows(["assess_code"], runner: runner, root: root)
        #expect(status == 1)
        let runs = runner.commands.filter { $0.executable != "git" }
        #expect(runs.count == 5)
        #expect(runs.allSatisfy { $0.executable == "python3" && $0.workingDirectory == root.appendingPathComponent("app").path })
        #expect(runs.map(\.arguments).contains(["-m", "flake8", "thenumbers", "tests"]))
        #expect(console.stderr.contains("mypy"))
        #expect(console.stdout.contains("==>> python3 -m pytest tests"))
    }

    // MARK: publish_image

    func publishEngine(branch: String = "main", tag: String? = nil, recorded: Bool = true) throws -> (ScriptedDockerCLI, URL) {
        let engine = ScriptedDockerCLI()
        engine.branch = branch
        engine.exactTag = tag
        let gitDirectory = try TemporaryFolder.make()
        engine.gitDirectory = gitDirectory
        if recorded {
            let entry = PassRecord.Entry(
                image: "numbers-api:latest", imageID: ScriptedDockerCLI.imageID, commit: ScriptedDockerCLI.commit, recordedAt: "now")
            let file = gitDirectory.appendingPathComponent("workflows/passed/numbers-api_latest.json")
            try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
            try JSONEncoder().encode(entry).write(to: file)
        }
        return (engine, gitDirectory)
    }

    @Test func publishPushesEveryTagAndPrintsDigests() async throws {
        let (engine, _) = try publishEngine(tag: "v1.2.3")
        let (status, console) = try await runWorkflows(
            ["publish_image", "--publish-repository", "127.0.0.1:5000/o/app"], runner: engine.runner)
        #expect(status == 0)
        let pushes = engine.runner.argvs().filter { $0.first == "push" }.map { $0[1] }
        #expect(pushes == ["v1.2.3", "1.2.3", "1.2", "1", "latest"].map { "127.0.0.1:5000/o/app:\($0)" })
        #expect(console.stdout.contains("127.0.0.1:5000/o/app:1.2@sha256:" + String(repeating: "d", count: 64)))
        #expect(engine.runner.argvs().contains(["tag", ScriptedDockerCLI.imageID, "127.0.0.1:5000/o/app:1.2"]))
    }

    /// A registry that stops mid-push: what was and was not pushed is said, and no local tag stays.
    @Test func aFailedPushSaysWhatWasNotPushedAndLeavesNoTag() async throws {
        let (engine, _) = try publishEngine(tag: "v1.2.3")
        engine.failingCommands = ["push"]
        let (status, console) = try await runWorkflows(
            ["publish_image", "--publish-repository", "127.0.0.1:5000/o/app"], runner: engine.runner)
        #expect(status == 1)
        let all = ["v1.2.3", "1.2.3", "1.2", "1", "latest"].map { "127.0.0.1:5000/o/app:\($0)" }
        #expect(console.stderr.contains("Pushing \(all[0]) failed: push failed on purpose. Nothing was pushed. "
            + "Not pushed: \(all.joined(separator: ", "))."), "\(console.stderr)")
        let tagged = engine.runner.argvs().filter { $0.first == "tag" }.map { $0[2] }
        let untagged = engine.runner.argvs().filter { $0.prefix(2) == ["image", "rm"] }.map { $0[2] }
        #expect(tagged == [all[0]] && untagged == tagged)
    }

    @Test func publishLogsInThroughStdinAndNeverShowsThePassword() async throws {
        let (engine, _) = try publishEngine()
        let password = "s3cret-Pa55"
        let (status, console) = try await runWorkflows(
            ["publish_image"],
            environment: ["WORKFLOWS_REGISTRY_USER": "bot", "WORKFLOWS_REGISTRY_PASSWORD": password,
                          "GITHUB_REPOSITORY": "Owner/Numbers-API"],
            runner: engine.runner)
        #expect(status == 0)
        let login = try #require(engine.runner.commands.first { $0.arguments.first == "login" })
        #expect(login.arguments == ["login", "--username", "bot", "--password-stdin", "ghcr.io"])
        #expect(login.standardInput == Data(password.utf8))
        #expect(!engine.runner.commands.contains { $0.arguments.joined(separator: " ").contains(password) })
        #expect(!console.all.contains(password))
        #expect(engine.runner.argvs().contains(["push", "ghcr.io/owner/numbers-api:latest"]))
        #expect(engine.runner.argvs().last == ["logout", "ghcr.io"])
    }

    @Test func aFailedLoginPushesNothing() async throws {
        let (engine, _) = try publishEngine()
        engine.loginSucceeds = false
        let (status, console) = try await runWorkflows(
            ["publish_image", "--publish-repository", "127.0.0.1:5000/o/app"],
            environment: ["WORKFLOWS_REGISTRY_USER": "bot", "WORKFLOWS_REGISTRY_PASSWORD": "pw-123456"],
            runner: engine.runner)
        #expect(status == 1)
        #expect(console.stderr.contains("docker login to 127.0.0.1:5000 as bot failed"))
        #expect(!engine.runner.argvs().contains { $0.first == "push" || $0.first == "tag" })
        #expect(!console.all.contains("pw-123456"))
    }

    @Test func aFeatureBranchPublishesNothingAndSucceeds() async throws {
        let (engine, _) = try publishEngine(branch: "feature/x")
        let (status, console) = try await runWorkflows(
            ["publish_image", "--publish-repository", "127.0.0.1:5000/o/app"], runner: engine.runner)
        #expect(status == 0)
        #expect(console.stdout.contains("Nothing to publish: branch feature/x"))
        #expect(!engine.runner.argvs().contains { $0.first == "push" })
    }

    @Test func onGitHubActionsTheRefComesFromItsVariables() async throws {
        let (engine, _) = try publishEngine(branch: "HEAD")
        let (status, _) = try await runWorkflows(
            ["publish_image", "--publish-repository", "127.0.0.1:5000/o/app"],
            environment: ["GITHUB_ACTIONS": "true", "GITHUB_REF_TYPE": "tag", "GITHUB_REF_NAME": "v2.0.0"],
            runner: engine.runner)
        #expect(status == 0)
        let pushes = engine.runner.argvs().filter { $0.first == "push" }.map { $0[1] }
        #expect(pushes.contains("127.0.0.1:5000/o/app:2.0") && pushes.contains("127.0.0.1:5000/o/app:latest"))
    }

    @Test(arguments: [false, true])
    func anImageThatDidNotPassIsRefused(recordExists: Bool) async throws {
        let (engine, gitDirectory) = try publishEngine(recorded: recordExists)
        if recordExists {
            let entry = PassRecord.Entry(
                image: "numbers-api:latest", imageID: "sha256:" + String(repeating: "c", count: 64),
                commit: ScriptedDockerCLI.commit, recordedAt: "now")
            try JSONEncoder().encode(entry).write(
                to: gitDirectory.appendingPathComponent("workflows/passed/numbers-api_latest.json"))
        }
        let (status, console) = try await runWorkflows(
            ["publish_image", "--publish-repository", "127.0.0.1:5000/o/app"], runner: engine.runner)
        #expect(status == 1)
        #expect(console.stderr.contains("Refusing to publish"))
        #expect(console.stderr.contains("quality_pipeline"))
        #expect(!engine.runner.argvs().contains { $0.first == "push" || $0.first == "tag" })

        let (forced, _) = try await runWorkflows(
            ["publish_image", "--publish-repository", "127.0.0.1:5000/o/app", "--allow-unverified-image"],
            runner: engine.runner)
        #expect(forced == 0)
    }

    @Test func dryRunPrintsTheCommandsAndChangesNothing() async throws {
        let (engine, _) = try publishEngine(tag: "v1.0.0")
        let (status, console) = try await runWorkflows(
            ["publish_image", "--dry-run", "--publish-repository", "127.0.0.1:5000/o/app"],
            environment: ["WORKFLOWS_REGISTRY_USER": "bot", "WORKFLOWS_REGISTRY_PASSWORD": "pw-123456"],
            runner: engine.runner)
        #expect(status == 0)
        #expect(console.stdout.contains("==>> docker push 127.0.0.1:5000/o/app:1.0"))
        #expect(console.stdout.contains("==>> docker tag \(ScriptedDockerCLI.imageID) 127.0.0.1:5000/o/app:1.0\n"))
        #expect(console.stdout.contains("==>> docker login --username bot --password-stdin 127.0.0.1:5000"))
        #expect(!engine.runner.argvs().contains { ["push", "tag", "login"].contains($0.first ?? "") })
    }

    @Test func anInvalidGitTagIsAnErrorAndPushesNothing() async throws {
        let (engine, _) = try publishEngine(tag: "release+1")
        let (status, console) = try await runWorkflows(
            ["publish_image", "--publish-repository", "127.0.0.1:5000/o/app"], runner: engine.runner)
        #expect(status == 1)
        #expect(console.stderr.contains("not a valid Docker tag"))
        #expect(!engine.runner.argvs().contains { $0.first == "push" })
    }

    func settings() throws -> Settings {
        guard case .run(_, let settings) = try Invocation.parse(["assess_image_code"], environment: [:], project: .numbersAPI)
        else { throw WorkflowsError(.usage, "unexpected") }
        return settings
    }
}

extension RecordingRunner {
    /// The answer this runner would give, without recording it.
    func runBlockingAnswer(_ command: Command) -> ProcessOutput {
        (try? runBlocking(command)) ?? .fail()
    }
}
