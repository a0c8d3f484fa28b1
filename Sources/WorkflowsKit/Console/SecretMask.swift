import Foundation

/// The values that came from `${VAR}` in the project file, replaced by `***` in everything `workflows`
/// prints (the console, and so the `==>>` lines, the gates' output and the annotations) and writes (the
/// reports: `RunReport.masked`). One instance, shared by a console and the consoles that buffer for it.
final class SecretMask: @unchecked Sendable {
    static let replacement = "***"
    private let lock = NSLock()
    /// Longest first, so that a value holding another is hidden whole.
    private var secrets: [String] = []

    func add(_ values: [String]) {
        lock.withLock {
            for value in values where !value.isEmpty && !secrets.contains(value) { secrets.append(value) }
            secrets.sort { $0.count > $1.count }
        }
    }

    var isEmpty: Bool { lock.withLock { secrets.isEmpty } }

    var values: [String] { lock.withLock { secrets } }

    func apply(_ text: String) -> String {
        let secrets = values
        guard !secrets.isEmpty else { return text }
        var masked = text
        for secret in secrets where masked.contains(secret) {
            masked = masked.replacingOccurrences(of: secret, with: Self.replacement)
        }
        return masked
    }
}
