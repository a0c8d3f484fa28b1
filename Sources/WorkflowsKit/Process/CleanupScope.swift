import Foundation

extension Cancellator {
    /// Runs `cleanup` after `body` on every path out: passed, failed, or cancelled by a signal.
    ///
    /// The cleanup is registered before `body` starts and stays registered until it has *finished*, so
    /// that a signal arriving at any moment (before, during, or while the cleanup itself runs) neither
    /// loses it nor runs it twice: `runRoot` and the unwind limit run only what is still pending, and
    /// wait for what is running. It gets the cleanup runner, which the signal does not stop and whose
    /// commands have a time limit, and runs on a thread of its own: it blocks on its processes.
    func withCleanup<T: Sendable>(
        _ cleanup: @escaping Cleanup, _ body: () async throws -> T
    ) async throws -> T {
        let token = register(cleanup)
        let result: Result<T, Error>
        do { result = .success(try await body()) } catch { result = .failure(error) }
        await Self.offConcurrency { self.performCleanup(token) }
        return try result.get()
    }
}
