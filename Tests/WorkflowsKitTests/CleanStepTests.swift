import Foundation
import Testing

@testable import WorkflowsKit

/// `workflows clean` on the fake engine: what ended runs left goes, a live run's stays, and the caches only
/// when asked.
@Suite struct CleanStepTests {
    static let dead = EngineLabels.owner(RunOwner(host: ProcessInfo.processInfo.hostName, pid: Int32.max - 1))

    /// An engine with what a killed run `dead1` left (an exited container, its gates' image, a volume, a
    /// network, an unsealed install, its tag of the app's image), a live run's container and network, and
    /// sealed gate tools.
    func engine() async throws -> FakeEngine {
        let engine = FakeEngine()
        let deadRun = [EngineLabels.run("dead1"), Self.dead]
        let liveRun = [EngineLabels.run("live1"), RunResources.owner]
        _ = try await engine.createNetwork("workflows-dead1-services-gates", labels: deadRun)
        _ = try await engine.createNetwork("workflows-live1-services-gates", labels: liveRun)
        _ = try await engine.run(RunOptions(image: FakeEngine.appImage, name: "workflows-dead1-pytest", labels: deadRun), echo: .now)
        _ = try await engine.run(
            RunOptions(image: FakeEngine.appImage, name: "workflows-live1-health", detach: true, labels: liveRun,
                       network: "workflows-live1-services-gates"),
            echo: .now)
        engine.addImage(["workflows-gates:dead1"], ImageConfig(
            id: "sha256:" + String(repeating: "9", count: 64), user: "", workingDirectory: "/", healthcheck: nil,
            labels: Dictionary(uniqueKeysWithValues: deadRun.map { ($0.key, $0.value) })))
        _ = try await engine.tag(FakeEngine.appImage, as: "workflows-assessed:dead1", output: .captured)
        _ = try await engine.createVolume("workflows-wheels-dead1-wheels", labels: deadRun)
        _ = try await engine.createVolume(
            "workflows-gate-tools-k1-dead1", labels: [EngineLabels.gateTools, EngineLabel(EngineLabels.installer, "dead1"), Self.dead])
        _ = try await engine.createVolume("workflows-gate-tools-k2-old", labels: [EngineLabels.gateTools])
        _ = try await engine.createVolume(
            "workflows-gate-tools-k2", labels: [EngineLabels.gateTools, EngineLabel(EngineLabels.sealedTools, "workflows-gate-tools-k2-old")])
        _ = try await engine.createVolume("someone-elses", labels: [])
        return engine
    }

    @Test func whatEndedRunsLeftGoesALiveRunsStaysAndTheCachesOnlyWhenAsked() async throws {
        let engine = try await engine()
        let (status, console) = try await runWorkflows(["clean"], engine: engine)
        #expect(status == 0, "\(console.all)")
        #expect(engine.containerNames == ["workflows-live1-health"])
        #expect(engine.networks.keys.sorted() == ["workflows-live1-services-gates"])
        #expect(engine.imageTags == [FakeEngine.appImage, FakeEngine.baseImage], "the gates' image and the run's tag are gone")
        #expect(engine.image(FakeEngine.appImage)?.config.id == FakeEngine.imageID, "the image it assessed stays")
        #expect(engine.volumes.keys.sorted() == ["someone-elses", "workflows-gate-tools-k2", "workflows-gate-tools-k2-old"],
                "the unsealed install went, the sealed tools stay")
        #expect(console.stdout.contains("of run live1, whose process \(RunResources.owner.value) is alive"), "\(console.stdout)")

        let (cleaned, caches) = try await runWorkflows(["clean", "--caches"], engine: engine)
        #expect(cleaned == 0, "\(caches.all)")
        #expect(engine.volumes.keys.sorted() == ["someone-elses"])
        #expect(engine.containerNames == ["workflows-live1-health"], "a live run is never touched")
    }

    @Test func aDryRunRemovesNothing() async throws {
        let engine = try await engine()
        let before = (engine.containerNames, engine.networks.keys.sorted(), engine.volumes.keys.sorted(), engine.imageTags)
        let (status, console) = try await runWorkflows(["clean", "--caches", "--dry-run"], engine: engine)
        #expect(status == 0, "\(console.all)")
        #expect(console.stdout.contains("Would remove 1 containers of ended runs"), "\(console.stdout)")
        #expect(engine.containerNames == before.0 && engine.networks.keys.sorted() == before.1)
        #expect(engine.volumes.keys.sorted() == before.2 && engine.imageTags == before.3)
        #expect(engine.removals.isEmpty)
    }
}
