import Foundation

/// What every step gets: the project, the settings, and the injected runner and console.
public struct StepContext: Sendable {
    public var project: Project
    public var settings: Settings
    public var runner: any ProcessRunning
    public var console: Console
    public var cancellator: Cancellator
    /// Unique per invocation: names and labels every container and image the run creates.
    public var runID: String
    /// The repository root: the folder `workflows` runs in.
    public var root: URL
    public var environment: [String: String]

    public var docker: DockerCLI {
        DockerCLI(executable: settings.docker, runner: runner, console: console)
    }

    public var git: Git { Git(runner: runner, root: root) }

    /// The label that marks everything this run creates, for cleanup and for `docker ps --filter`.
    public var runLabel: String { "\(DockerCLI.runLabelKey)=\(runID)" }

    public func path(_ relative: String) -> URL { root.appendingPathComponent(relative) }

    /// Removes, on every path out of `body` (passed, failed, or a signal), whatever carries this run's label,
    /// the temporary `tags`, and the `folders`.
    public func withRunCleanup<T: Sendable>(
        tags: [String] = [], folders: [URL] = [], _ body: () async throws -> T
    ) async throws -> T {
        let executable = settings.docker
        let label = runLabel
        return try await withCleanup({ runner in
            DockerCLI.removeEverything(labelled: label, tags: tags, executable: executable, runner: runner)
            for folder in folders { try? FileManager.default.removeItem(at: folder) }
        }, body)
    }

    /// Runs `cleanup` after `body` whatever happens, also when a signal cancels the run (see
    /// `Cancellator.withCleanup`: it gets the cleanup runner, and a signal cannot lose it).
    public func withCleanup<T: Sendable>(
        _ cleanup: @escaping Cancellator.Cleanup, _ body: () async throws -> T
    ) async throws -> T {
        try await cancellator.withCleanup(cleanup, body)
    }

    public static func makeRunID() -> String {
        let letters = Array("abcdefghijklmnopqrstuvwxyz0123456789")
        return String((0..<10).map { _ in letters.randomElement() ?? "x" })
    }
}
