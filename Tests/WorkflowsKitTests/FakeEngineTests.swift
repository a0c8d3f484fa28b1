import Foundation
import Testing

@testable import WorkflowsKit

/// The fake engine itself: it keeps state, refuses what the real engine refuses, and fails as the real CLI
/// fails, so that the steps' tests on it mean something.
@Suite struct FakeEngineTests {
    @Test func itRefusesWhatTheRealEngineRefuses() async throws {
        let engine = FakeEngine()
        let unknown = try await engine.remove(.container, ["nobody"], force: false)
        #expect(!unknown.succeeded && unknown.errorText.contains("No such container: nobody"))
        #expect(try await engine.remove(.container, ["nobody"], force: true).succeeded)

        let noNetwork = try await engine.run(
            RunOptions(image: FakeEngine.appImage, name: "c", detach: true, network: "missing"), echo: .now)
        #expect(noNetwork.termination == .exited(125) && noNetwork.errorText.contains("network missing not found"))
        let noImage = try await engine.run(RunOptions(image: "nothing:1", detach: true), echo: .now)
        #expect(noImage.termination == .exited(125) && noImage.errorText.contains("Unable to find image 'nothing:1'"))

        #expect(try await engine.createNetwork("n", labels: []).succeeded)
        let again = try await engine.createNetwork("n", labels: [])
        #expect(!again.succeeded && again.errorText.contains("network with name n already exists"))

        let started = try await engine.run(RunOptions(image: FakeEngine.appImage, name: "c", detach: true), echo: .now)
        #expect(started.succeeded)
        let twice = try await engine.run(RunOptions(image: FakeEngine.appImage, name: "c", detach: true), echo: .now)
        #expect(twice.termination == .exited(125) && twice.errorText.contains("already in use"))
        #expect(try await engine.connect("c", to: "n", alias: "db").succeeded)
        #expect(engine.container("c")?.networks["n"] == ["db"])
        #expect(!(try await engine.connect("c", to: "elsewhere", alias: "db")).succeeded)
        #expect(!(try await engine.remove(.container, ["c"], force: false)).succeeded, "running")
        #expect(!(try await engine.remove(.network, ["n"], force: false)).succeeded, "in use")
        #expect(!(try await engine.remove(.image, [FakeEngine.imageID], force: false)).succeeded, "in use")
        #expect(try await engine.remove(.container, ["c"], force: true).succeeded)
        #expect(try await engine.remove(.network, ["n"], force: false).succeeded)
        #expect(engine.networks.isEmpty && engine.containerNames.isEmpty)
    }

    @Test func aVolumeCreatedAgainKeepsItsFirstLabels() async throws {
        let engine = FakeEngine()
        _ = try await engine.createVolume("v", labels: [EngineLabel("a", "1")])
        _ = try await engine.createVolume("v", labels: [EngineLabel("a", "2"), EngineLabel("b", "3")])
        #expect(engine.volumes["v"] == ["a": "1"])
        #expect(try await engine.list(.volume, ListQuery([.label(EngineLabel("a", "1"))])) == ["v"])
        #expect(try await engine.labels(of: .volume, ["v", "gone"], keys: ["a", "b"]) == [LabelValues(id: "v", values: ["1", ""])])
        #expect(try await engine.volumesExist(["v"]))
        #expect(!(try await engine.volumesExist(["v", "gone"])))
    }

    @Test func aBuildMakesAnImageWithTheDockerfilesConfigAndMovesTheTag() async throws {
        let engine = FakeEngine()
        let folder = try TemporaryFolder.make()
        try Data("""
            FROM python:3.11-slim AS base
            USER nobody
            FROM python:3.11-slim
            USER app
            EXPOSE 8080 53/udp
            HEALTHCHECK CMD curl -f http://localhost/
            LABEL "commit"="a\\"b" workflows.tree=clean
            """.utf8).write(to: folder.appendingPathComponent("Dockerfile"))
        let built = try await engine.build(BuildOptions(context: folder.path, tags: [FakeEngine.appImage]))
        #expect(built.succeeded)
        let config = try #require(try await engine.inspectImage(FakeEngine.appImage))
        #expect(config.id != FakeEngine.imageID && config.user == "app" && config.exposedTCPPorts == [8080])
        #expect(config.labels == ["commit": "a\"b", "workflows.tree": "clean"])
        #expect(config.declaresHealthcheck)
        #expect(try await engine.list(.image, ListQuery([.dangling], all: false)) == [FakeEngine.imageID], "the old one lost its tag")

        engine.buildFailure = .fail(1, stderr: "The command '/bin/sh -c pip install' returned a non-zero code: 1")
        let failed = try await engine.build(BuildOptions(context: folder.path, tags: ["other:1"]))
        #expect(!failed.succeeded && failed.errorText.contains("returned a non-zero code"))
        #expect(try await engine.inspectImage("other:1") == nil, "a failed build makes nothing")
    }

    @Test func aRegistryWithAPasswordRefusesAWrongLoginAndAPushWithoutOne() async throws {
        let engine = FakeEngine()
        engine.setRegistry("127.0.0.1:5000", .init(user: "bot", password: "pw"))
        let access = RegistryAccess("127.0.0.1:5000")
        #expect(try await engine.tag(FakeEngine.appImage, as: "127.0.0.1:5000/o/app:1", output: .captured).succeeded)
        let anonymous = try await engine.push("127.0.0.1:5000/o/app:1", access)
        #expect(!anonymous.succeeded && anonymous.errorText.contains("authentication required"))
        #expect(!(try await engine.login(access, user: "bot", password: "wrong")).succeeded)
        #expect(try await engine.login(access, user: "bot", password: "pw").succeeded)
        #expect(try await engine.push("127.0.0.1:5000/o/app:1", access).succeeded)
        #expect(await engine.repoDigests(of: "127.0.0.1:5000/o/app:1") == ["127.0.0.1:5000/o/app@" + FakeEngine.digest(of: FakeEngine.imageID)])
        let untagged = try await engine.push("127.0.0.1:5000/o/app:2", access)
        #expect(!untagged.succeeded && untagged.errorText.contains("does not exist locally"))
    }

    @Test func aContainerFollowsItsScriptAndCanVanish() async throws {
        let engine = FakeEngine()
        engine.script("c", [FakeEngine.state("running", health: "starting"), FakeEngine.state("running", health: "healthy")])
        engine.vanish("c", afterPolls: 2)
        _ = try await engine.run(RunOptions(image: FakeEngine.appImage, name: "c", detach: true), echo: .now)
        #expect(try await engine.containerState("c") == .state(FakeEngine.state("running", health: "starting")))
        #expect(try await engine.containerState("c") == .state(FakeEngine.state("running", health: "healthy")))
        #expect(try await engine.containerState("c") == .missing("Error: No such container: c"))
        let exec = try await engine.exec(in: "c", ["true"])
        #expect(!exec.succeeded && exec.errorText.contains("No such container"))
    }

    @Test func anEngineThatStopsAnsweringFailsEveryOperationAsTheCLIDoes() async throws {
        let engine = FakeEngine()
        engine.stopsAnsweringAfterPolls = 1
        _ = try await engine.run(RunOptions(image: FakeEngine.appImage, name: "c", detach: true), echo: .now)
        guard case .state = try await engine.containerState("c") else { throw NotAnswered() }
        #expect(try await engine.containerState("c") == .missing(FakeEngine.down.errorText))
        await #expect(throws: WorkflowsError.self) { try await engine.requireEngine() }
        #expect(!(try await engine.run(RunOptions(image: FakeEngine.appImage, detach: true), echo: .now)).succeeded)
        #expect(!(try await engine.remove(.container, ["c"], force: true)).succeeded)
        #expect(try await engine.inspectImage(FakeEngine.appImage) == nil)
        await #expect(throws: WorkflowsError.self) { try await engine.list(.container, ListQuery()) }
        #expect(engine.cleanup(using: RecordingRunner()).logout("r") != nil)
        engine.engineAnswers = true
        #expect(engine.containerNames == ["c"], "nothing changed while it did not answer")
    }

    struct NotAnswered: Error {}

    @Test func theCleanupRemovesWhatCarriesTheLabel() async throws {
        let engine = FakeEngine()
        let run = EngineLabels.run("r1")
        _ = try await engine.run(RunOptions(image: FakeEngine.appImage, name: "c", detach: true, labels: [run]), echo: .now)
        _ = try await engine.createVolume("v", labels: [run])
        _ = try await engine.createNetwork("n", labels: [run])
        _ = try await engine.createVolume("kept", labels: [])
        _ = try await engine.tag(FakeEngine.appImage, as: "workflows-assessed:r1", output: .captured)
        engine.cleanup(using: RecordingRunner()).removeEverything(labelled: run, tags: ["workflows-assessed:r1"])
        #expect(engine.containerNames.isEmpty && engine.networks.isEmpty && engine.volumes.keys.sorted() == ["kept"])
        #expect(engine.imageTags == [FakeEngine.appImage, FakeEngine.baseImage])
    }

    @Test func whatItDoesNotModelThrowsAndFailsTheTest() async throws {
        let engine = FakeEngine()
        engine.recordsUnmodelledAsFailures(false)
        await #expect(throws: FakeEngine.NotModelled.self) { _ = try await engine.list(.volume, ListQuery([.dangling])) }
        #expect(engine.unmodelled == ["FakeEngine does not model dangling volumes"])
    }

    @Test func gitAndTheHostsPythonAreFakedAndNothingElse() async throws {
        let git = FakeGit()
        #expect(try await git.runner.run(Command("git", ["rev-parse", "--verify", "HEAD"])).outputText == FakeGit.commit)
        #expect(try await git.runner.run(Command(Project.hostPython, ["-m", "black", "."])).succeeded)
        git.unmodelledFailsTheTest = false
        let docker = try await git.runner.run(Command("docker", ["ps"]))
        #expect(docker.termination == .exited(125))
        #expect(git.unmodelledCommands == ["docker ps"])
    }
}
