import Foundation
import Testing

@testable import WorkflowsKit

/// The real binary against the real engine. One at a time: the machines have two cores, and the SIGINT
/// and fail-fast tests must not wait behind a build.
@Suite(.serialized, .timeLimit(.minutes(10)))
struct EngineTests {}

/// One copy of the embedded app that passed quality_pipeline, shared by the pipeline and publish tests.
actor PassedApp {
    static let shared = PassedApp()

    struct Fixture {
        var folder: URL
        var image: String
        /// Where the fixture's own `quality_pipeline publish_image` pushed.
        var repository: String
        var run: Harness.Run
        /// Where the run wrote report.json and junit.xml.
        var reports: URL
    }

    private var fixture: Fixture?

    func get() async throws -> Fixture {
        if let fixture { return fixture }
        try await Harness.requireEngine()
        try await Harness.requireRegistry(Harness.plainRegistry)
        let folder = try await Harness.appCopy()
        try await Harness.sh("git", ["tag", "v0.1.0"], in: folder)
        let image = Harness.uniqueName("workflows-it-passed") + ":latest"
        let repository = "\(Harness.plainRegistry)/\(Harness.uniqueName("it"))/numbers-api"
        // As CI runs it: the pipeline and the publishing in one call.
        let reports = folder.appendingPathComponent(".reports")
        let run = try await Harness.workflows(
            ["quality_pipeline", "publish_image", "--image", image, "--publish-repository", repository],
            in: folder, environment: ["WORKFLOWS_REPORT_DIR": reports.path])
        let made = Fixture(folder: folder, image: image, repository: repository, run: run, reports: reports)
        fixture = made
        return made
    }
}
