import Foundation

/// The run's own resources: its ID and label, which name and mark everything it creates, and the
/// cleanups that remove them on every path out, a signal included.
struct RunResources: Sendable {
    /// Unique per invocation: names and labels every container and image the run creates.
    var runID: String
    var cancellator: Cancellator
    /// The runner the cleanups use.
    var runner: any ProcessRunning
    /// The engine whose cleanups remove what the run made (`ContainerEngine.cleanup`).
    var engine: any ContainerEngine
    /// What `scoped` made these resources for (`health`), if anything.
    var scope: String? = nil

    /// The label that marks everything this run creates, for cleanup and for `docker ps --filter`.
    var runLabel: EngineLabel { EngineLabels.run(runID) }

    /// Which host and process made it: `workflows clean` removes only what a process that is gone made.
    static let owner = EngineLabels.owner(RunOwner.current)
    /// `workflows.owner=host/pid`.
    static var ownerLabel: String { owner.description }

    /// Every label a container or image of this run carries.
    var labels: [EngineLabel] { [runLabel, Self.owner] }

    /// Resources for a step that runs beside another: its own ID (and so its own label and names), so
    /// that neither step's cleanup removes what the other still uses.
    func scoped(_ suffix: String) -> RunResources {
        var copy = self
        copy.runID = runID + "-" + suffix
        copy.scope = suffix
        return copy
    }

    /// The name of the run's container for `purpose`: `workflows-RUN-health`, also when these resources are
    /// the ones scoped for it (not `workflows-RUN-health-health`).
    func containerName(_ purpose: String) -> String {
        "workflows-\(runID)" + (scope == purpose ? "" : "-\(purpose)")
    }

    /// True once a signal is being handled: start nothing new.
    var isCancelling: Bool { cancellator.cancellingSignal != nil }

    /// A temporary folder unique to this run, named for what it holds.
    func temporaryFolder(_ purpose: String) -> URL {
        FileManager.default.temporaryDirectory
            .appendingPathComponent("workflows-\(purpose)-\(runID)-\(UUID().uuidString.prefix(8))")
    }

    /// Removes, on every path out of `body` (passed, failed, or a signal), whatever carries this run's label
    /// (only its containers when `containersOnly`: a step that makes nothing else), the temporary `tags`, and
    /// the `folders`. When `body` returned, what it is known to have made (`made`) is removed by name
    /// instead, without listing every image (slow on an engine with many): the label's sweep is for the
    /// paths where a step may have stopped anywhere.
    func withRunCleanup<T: Sendable>(
        containersOnly: Bool = false, tags: [String] = [], folders: [URL] = [], made: RunLeftovers? = nil,
        _ body: () async throws -> T
    ) async throws -> T {
        let engine = engine
        let label = runLabel
        let returned = OnceFlag()
        return try await withCleanup({ runner in
            let cleanup = engine.cleanup(using: runner)
            if containersOnly {
                cleanup.removeContainers(labelled: label)
            } else if let made, returned.isSet {
                cleanup.removeKnown(labelled: label, containers: made.containers, images: made.images + tags)
            } else {
                cleanup.removeEverything(labelled: label, tags: tags)
            }
            for folder in folders { try? FileManager.default.removeItem(at: folder) }
        }) {
            let value = try await body()
            returned.raise()
            return value
        }
    }

    /// Runs `cleanup` after `body` whatever happens, also when a signal cancels the run (see
    /// `Cancellator.withCleanup`: it gets the cleanup runner, and a signal cannot lose it).
    func withCleanup<T: Sendable>(
        _ cleanup: @escaping Cancellator.Cleanup, _ body: () async throws -> T
    ) async throws -> T {
        try await cancellator.withCleanup(cleanup, body)
    }

    static func makeRunID() -> String {
        let letters = Array("abcdefghijklmnopqrstuvwxyz0123456789")
        return String((0..<10).map { _ in letters.randomElement() ?? "x" })
    }
}

/// What a step makes, by name: its containers, and its images (by tag; their untagged parents go with them).
struct RunLeftovers: Sendable, Equatable {
    var containers: [String] = []
    var images: [String] = []
}
