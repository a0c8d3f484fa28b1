import Foundation
import Testing

@testable import WorkflowsKit

/// The argument vectors of `DockerEngine`, each against the flags the CLI documents
/// (https://docs.docker.com/reference/cli/docker/); the integration suites run them on a real engine.
@Suite struct DockerArgumentsTests {
    let run = EngineLabels.run("r1")

    @Test func runPutsEveryOptionBeforeTheImageAndTheArgumentsAfterIt() {
        let options = RunOptions(
            image: "app:1", arguments: ["-m", "pytest"], name: "c1", detach: true, remove: true, interactive: true,
            user: "root", labels: [run], mounts: [VolumeMount("tools", at: "/t", readOnly: true), VolumeMount("caches", at: "/c")],
            environment: [ContainerVariable("A", "1=2"), ContainerVariable("SECRET", nil), ContainerVariable("EMPTY", "")],
            workingDirectory: "/app/sub", entrypoint: "python", healthcheck: HealthcheckOptions(
                command: "curl -f localhost", interval: 1, timeout: 5, retries: 3, startPeriod: 60),
            network: "net1", networkAlias: "db")
        #expect(DockerArguments.run(options) == [
            "run", "--detach", "--rm", "--interactive", "--name", "c1", "--user", "root", "--label", "workflows.run=r1",
            "--mount", "type=volume,source=tools,target=/t,ro", "--mount", "type=volume,source=caches,target=/c",
            "--env", "A=1=2", "--env", "SECRET", "--env", "EMPTY=", "--workdir", "/app/sub",
            "--network", "net1", "--network-alias", "db",
            "--health-cmd", "curl -f localhost", "--health-interval", "1s", "--health-timeout", "5s",
            "--health-retries", "3", "--health-start-period", "60s", "--entrypoint", "python", "app:1", "-m", "pytest",
        ])
        #expect(DockerArguments.run(RunOptions(image: "app:1")) == ["run", "app:1"], "nothing unasked")
    }

    @Test func aVariableIsReadFromItsAssignment() {
        #expect(ContainerVariable(assignment: "A=b=c") == ContainerVariable("A", "b=c"))
        #expect(ContainerVariable(assignment: "A=") == ContainerVariable("A", ""))
        #expect(ContainerVariable(assignment: "A") == ContainerVariable("A", nil))
    }

    @Test func buildTakesItsFlagsThenTheContext() {
        #expect(DockerArguments.build(BuildOptions(
            context: ".", dockerfile: "/tmp/x/Dockerfile", tags: ["app:1", "app:latest"], noCache: true, imageIDFile: "/tmp/x/iid"))
            == ["build", "--no-cache", "--force-rm", "--tag", "app:1", "--tag", "app:latest", "--iidfile", "/tmp/x/iid",
                "--file", "/tmp/x/Dockerfile", "."])
        #expect(DockerArguments.build(BuildOptions(context: "ctx", forceRemove: false)) == ["build", "ctx"])
    }

    @Test func imagesAreInspectedWholeTaggedAndPushed() {
        #expect(DockerArguments.inspectImage("app:1") == ["image", "inspect", "app:1"])
        #expect(DockerArguments.repoDigests("r/app:1") == ["image", "inspect", "--format", "{{json .RepoDigests}}", "r/app:1"])
        #expect(DockerArguments.tag("sha256:ab", "r/app:1") == ["tag", "sha256:ab", "r/app:1"])
        #expect(DockerArguments.push("r/app:1", RegistryAccess("r")) == ["push", "r/app:1"])
    }

    @Test func theLoginTakesThePasswordOnStdinAndTheLogoutTheRegistry() {
        #expect(DockerArguments.login(RegistryAccess("ghcr.io"), user: "bot")
            == ["login", "--username", "bot", "--password-stdin", "ghcr.io"])
        #expect(DockerArguments.logout("ghcr.io") == ["logout", "ghcr.io"])
    }

    /// Podman's one difference: it verifies TLS on loopback too, which Docker lets speak plain HTTP.
    @Test(arguments: [
        ("127.0.0.1:45000", true, false), ("localhost:5000", true, false), ("[::1]:5000", true, false),
        ("ghcr.io", true, true), ("127.0.0.1:45000", false, true),
    ])
    func podmanSkipsTLSOnlyForALoopbackRegistry(registry: String, podman: Bool, verifies: Bool) {
        let access = DockerArguments.access(to: registry, podman: podman)
        #expect(access.verifyTLS == verifies)
        #expect(DockerArguments.push("\(registry)/app:1", access) == ["push"] + (verifies ? [] : ["--tls-verify=false"]) + ["\(registry)/app:1"])
        #expect(DockerArguments.login(access, user: "u").contains("--tls-verify=false") == !verifies)
    }

    @Test func containersAreProbedInspectedCopiedFromAndLogged() {
        #expect(DockerArguments.exec(ExecOptions(container: "c1", command: ["/bin/sh", "-c", "true"])) == ["exec", "c1", "/bin/sh", "-c", "true"])
        let gate = ExecOptions(
            container: "g", command: ["python", "-m", "black"], environment: [ContainerVariable("A", "1"), ContainerVariable("S", nil)],
            workingDirectory: "/srv/svc")
        #expect(DockerArguments.exec(gate) == ["exec", "--env", "A=1", "--env", "S", "--workdir", "/srv/svc", "g", "python", "-m", "black"])
        #expect(DockerArguments.containerState("c1") == ["container", "inspect", "--format", "{{json .State}}", "c1"])
        #expect(DockerArguments.copy(from: "c1", path: "/tmp/j.xml", to: "/host/j.xml") == ["cp", "c1:/tmp/j.xml", "/host/j.xml"])
        #expect(DockerArguments.logs("c1", tail: 100) == ["logs", "--tail", "100", "c1"])
    }

    @Test func listingsAreQuietAndFilteredByLabel() {
        let labelled = ListQuery([.label(run)])
        #expect(DockerArguments.list(.container, labelled) == ["ps", "--all", "--quiet", "--filter", "label=workflows.run=r1"])
        #expect(DockerArguments.list(.image, labelled) == ["image", "ls", "--all", "--quiet", "--filter", "label=workflows.run=r1"])
        #expect(DockerArguments.list(.volume, ListQuery([.labelled("workflows.cache")])) == ["volume", "ls", "--quiet", "--filter", "label=workflows.cache"])
        #expect(DockerArguments.list(.network, labelled) == ["network", "ls", "--quiet", "--filter", "label=workflows.run=r1"])
        #expect(DockerArguments.list(.image, ListQuery([.dangling, .label(EngineLabel("workflows.image", "app"))], all: false))
            == ["image", "ls", "--quiet", "--filter", "dangling=true", "--filter", "label=workflows.image=app"])
        #expect(DockerArguments.list(.image, ListQuery(tagsOf: "workflows-assessed"))
            == ["image", "ls", "--format", "{{.Repository}}:{{.Tag}}", "workflows-assessed"])
    }

    @Test func labelsAreReadWithATemplatePerKind() {
        #expect(DockerArguments.labels(of: .container, ["c1", "c2"], keys: ["workflows.run", "workflows.owner"]) == [
            "container", "inspect", "--format",
            #"{{.Id}} {{index .Config.Labels "workflows.run"}} {{index .Config.Labels "workflows.owner"}}"#, "c1", "c2",
        ])
        #expect(DockerArguments.labels(of: .volume, ["v1"], keys: ["workflows.cache.tools"])
            == ["volume", "inspect", "--format", #"{{.Name}} {{index .Labels "workflows.cache.tools"}}"#, "v1"])
    }

    @Test func removalsForceOnlyWhenAsked() {
        #expect(DockerArguments.remove(.container, ["c1"], force: true) == ["rm", "--force", "--volumes", "c1"])
        #expect(DockerArguments.remove(.image, ["i1", "i2"], force: false) == ["image", "rm", "i1", "i2"])
        #expect(DockerArguments.remove(.image, ["i1"], force: true) == ["image", "rm", "--force", "i1"])
        #expect(DockerArguments.remove(.volume, ["v1"], force: true) == ["volume", "rm", "--force", "v1"])
        #expect(DockerArguments.remove(.network, ["n1"], force: true) == ["network", "rm", "n1"], "network rm has no --force before Docker 23")
    }

    @Test func volumesAndNetworksAreCreatedWithTheirLabels() {
        let labels = [run, EngineLabels.owner(RunOwner(host: "h", pid: 7))]
        #expect(DockerArguments.createVolume("v1", labels: labels)
            == ["volume", "create", "--label", "workflows.run=r1", "--label", "workflows.owner=h/7", "v1"])
        #expect(DockerArguments.createNetwork("n1", labels: labels)
            == ["network", "create", "--label", "workflows.run=r1", "--label", "workflows.owner=h/7", "n1"])
        #expect(DockerArguments.volumesExist(["a", "b"]) == ["volume", "inspect", "--format", "{{.Name}}", "a", "b"])
    }

    @Test func theEngineEchoesAChangeAndShowsAScriptByItsSize() async throws {
        let runner = RecordingRunner { _ in .ok() }
        let console = try CapturedConsole()
        let engine = DockerEngine(executable: "docker", runner: runner, console: console.console)
        _ = try await engine.createVolume("v1", labels: [run])
        _ = try await engine.run(RunOptions(image: "i", arguments: ["-c", "a\nb\nc"], remove: true), echo: .now)
        _ = try await engine.run(RunOptions(image: "i", name: "gate"), echo: .byCaller)
        _ = try await engine.exec(in: "c1", ["true"])
        _ = try await engine.list(.volume, ListQuery([.label(run)]))
        #expect(console.stdout == "==>> docker volume create --label workflows.run=r1 v1\n==>> docker run --rm i -c '<script of 3 lines>'\n")
        #expect(runner.argvs().count == 5, "every one ran")
        #expect(runner.argvs()[1] == ["run", "--rm", "i", "-c", "a\nb\nc"], "the whole script")
    }

    /// The password reaches `docker login` on its stdin, never in an argument vector or the echo.
    @Test func theEngineLogsInWithThePasswordOnStdin() async throws {
        let runner = RecordingRunner { _ in .ok("Login Succeeded") }
        let console = try CapturedConsole()
        let engine = DockerEngine(executable: "docker", runner: runner, console: console.console)
        _ = try await engine.login(RegistryAccess("ghcr.io"), user: "bot", password: "s3cret-Pa55")
        let login = try #require(runner.commands.first)
        #expect(login.arguments == ["login", "--username", "bot", "--password-stdin", "ghcr.io"])
        #expect(login.standardInput == Data("s3cret-Pa55".utf8))
        #expect(console.stdout == "==>> docker login --username bot --password-stdin ghcr.io\n")
    }

    @Test func anEngineThatDoesNotAnswerIsOneReadableParagraph() async throws {
        let runner = RecordingRunner { _ in .fail(1, stderr: "Cannot connect to the Docker daemon at unix:///var/run/docker.sock.") }
        let engine = DockerEngine(executable: "docker", runner: runner, console: try CapturedConsole().console)
        let error = await #expect(throws: WorkflowsError.self) { try await engine.requireEngine(while: "building") }
        #expect(error?.message == "The engine behind docker stopped answering while building (Cannot connect to the Docker daemon at unix:///var/run/docker.sock.).")
        #expect(error?.remedy?.contains("scripts/provision.sh") == true)
    }

    @Test func theCleanupRemovesEverythingLabelledKindByKindThenTheTags() {
        let runner = RecordingRunner { command in
            command.arguments.contains("--quiet") ? .ok(command.arguments[0] == "ps" ? "c1" : "") : .ok()
        }
        DockerCleanup(executable: "docker", runner: runner).removeEverything(labelled: run, tags: ["workflows-assessed:r1"])
        let filter = ["--filter", "label=workflows.run=r1"]
        #expect(runner.argvs() == [
            ["ps", "--all", "--quiet"] + filter, ["rm", "--force", "--volumes", "c1"],
            ["image", "ls", "--all", "--quiet"] + filter, ["volume", "ls", "--quiet"] + filter, ["network", "ls", "--quiet"] + filter,
            // A container was removed: another may have been starting meanwhile.
            ["ps", "--all", "--quiet"] + filter, ["rm", "--force", "--volumes", "c1"],
            ["image", "ls", "--all", "--quiet"] + filter, ["volume", "ls", "--quiet"] + filter, ["network", "ls", "--quiet"] + filter,
            ["ps", "--all", "--quiet"] + filter, ["rm", "--force", "--volumes", "c1"],
            ["image", "ls", "--all", "--quiet"] + filter, ["volume", "ls", "--quiet"] + filter, ["network", "ls", "--quiet"] + filter,
            ["image", "rm", "workflows-assessed:r1"],
        ])
    }

    /// A step that makes only containers (the health container) sweeps only containers: no `image ls --all`,
    /// which costs the legacy engine a quarter of a second and more beside the gates.
    @Test func theContainersOnlyCleanupListsNoImagesVolumesOrNetworks() {
        let listings = Counter()
        let runner = RecordingRunner { command in
            guard command.arguments.first == "ps" else { return .ok() }
            listings.increment()
            return .ok(listings.value == 1 ? "c1" : "")
        }
        DockerCleanup(executable: "docker", runner: runner).removeContainers(labelled: run)
        let filter = ["--filter", "label=workflows.run=r1"]
        #expect(runner.argvs() == [
            ["ps", "--all", "--quiet"] + filter, ["rm", "--force", "--volumes", "c1"], ["ps", "--all", "--quiet"] + filter,
        ])
    }

    /// An interrupted build's untagged step images go without force, and with it when that fails: Podman
    /// leaves its stopped build's working containers on them ("image is in use by a container").
    @Test func anInterruptedBuildsImagesStillInUseAreForced() {
        let leftovers = BuildLeftovers(output: "STEP 2/3: RUN echo one > /one\n--> 93329a9f1c1\nSTEP 3/3: RUN sleep 9\n")
        let runner = RecordingRunner { command in
            if command.arguments.contains("dangling=true") { return .ok("93329a9f1c1b\n0e3ba8dafa54\n") }
            return command.arguments == ["image", "rm", "93329a9f1c1b"]
                ? .fail(2, stderr: "Error: image used by c37e36b586ad: image is in use by a container") : .ok()
        }
        DockerCleanup(executable: "podman", runner: runner).removeInterruptedBuild(leftovers)
        #expect(runner.argvs("podman") == [
            ["image", "ls", "--quiet", "--filter", "dangling=true"], ["image", "rm", "93329a9f1c1b"],
            ["image", "rm", "--force", "93329a9f1c1b"],
        ])
        let docker = RecordingRunner { $0.arguments.contains("dangling=true") ? .ok("93329a9f1c1b\n") : .ok() }
        DockerCleanup(executable: "docker", runner: docker).removeInterruptedBuild(leftovers)
        #expect(docker.argvs().last == ["image", "rm", "93329a9f1c1b"], "no force when it went without")
    }

    /// After a step that returned, what it made goes by name: no `image ls --all`. A container of the run
    /// still there, or an image that could not go, brings the label's whole sweep back.
    @Test func whatAStepKnowsItMadeGoesByNameAndOnlyALeftoverBringsTheSweepBack() {
        let filter = ["--filter", "label=workflows.run=r1"]
        let known = [["rm", "--force", "--volumes", "g"], ["image", "rm", "gates:r1", "assessed:r1"], ["ps", "--all", "--quiet"] + filter]
        let clean = RecordingRunner()
        DockerCleanup(executable: "docker", runner: clean).removeKnown(labelled: run, containers: ["g"], images: ["gates:r1", "assessed:r1"])
        #expect(clean.argvs() == known)

        let inUse = RecordingRunner { $0.arguments.prefix(2) == ["image", "rm"] ? .fail(1, stderr: "image is being used") : .ok() }
        DockerCleanup(executable: "docker", runner: inUse).removeKnown(labelled: run, containers: ["g"], images: ["gates:r1", "assessed:r1"])
        #expect(inUse.argvs().prefix(2) == known.prefix(2))
        #expect(inUse.argvs().contains(["image", "ls", "--all", "--quiet"] + filter), "the sweep")
        #expect(inUse.argvs().last == ["image", "rm", "gates:r1", "assessed:r1"], "then the tags again")

        let started = RecordingRunner { $0.arguments.first == "ps" ? .ok("c9") : .ok() }
        DockerCleanup(executable: "docker", runner: started).removeKnown(labelled: run, containers: ["g"], images: [])
        #expect(started.argvs().contains(["rm", "--force", "--volumes", "c9"]))
        #expect(started.argvs().contains(["image", "ls", "--all", "--quiet"] + filter))
    }

    @Test func afterRemovingAContainerTheCleanupLooksForContainersOnlyUnlessOneStartedMeanwhile() {
        let listings = Counter()
        let runner = RecordingRunner { command in
            guard command.arguments.contains("--quiet") else { return .ok() }
            guard command.arguments[0] == "ps" else { return .ok() }
            listings.increment()
            return .ok(listings.value == 1 ? "c1" : "")
        }
        DockerCleanup(executable: "docker", runner: runner).removeEverything(labelled: run, tags: [])
        let filter = ["--filter", "label=workflows.run=r1"]
        #expect(runner.argvs() == [
            ["ps", "--all", "--quiet"] + filter, ["rm", "--force", "--volumes", "c1"],
            ["image", "ls", "--all", "--quiet"] + filter, ["volume", "ls", "--quiet"] + filter, ["network", "ls", "--quiet"] + filter,
            ["ps", "--all", "--quiet"] + filter,
        ])
    }

    @Test func aContainerThatStartedDuringTheSweepIsSweptAgainWithEverythingElse() {
        let listings = Counter()
        let runner = RecordingRunner { command in
            guard command.arguments.contains("--quiet") else { return .ok() }
            guard command.arguments[0] == "ps" else { return .ok() }
            listings.increment()
            return .ok(["c1", "c2"].indices.contains(listings.value - 1) ? ["c1", "c2"][listings.value - 1] : "")
        }
        DockerCleanup(executable: "docker", runner: runner).removeEverything(labelled: run, tags: [])
        let filter = ["--filter", "label=workflows.run=r1"]
        let sweep = [
            ["image", "ls", "--all", "--quiet"] + filter, ["volume", "ls", "--quiet"] + filter, ["network", "ls", "--quiet"] + filter,
        ]
        #expect(runner.argvs() == [["ps", "--all", "--quiet"] + filter, ["rm", "--force", "--volumes", "c1"]] + sweep
            + [["ps", "--all", "--quiet"] + filter, ["rm", "--force", "--volumes", "c2"]] + sweep
            + [["ps", "--all", "--quiet"] + filter])
    }
}
