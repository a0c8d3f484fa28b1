import Foundation

/// A throwaway repository on disk, written from a map of paths to contents: every test that needs a
/// project (unit tests of the conventions, integration tests on the real engine) builds it here.
public struct FakeRepository: Sendable {
    public let root: URL

    /// A new folder under the temporary directory, named `prefix-XXXXXXXX`, holding `files`.
    public init(_ prefix: String = "workflows-unit-repo", files: [String: String] = [:]) throws {
        root = FileManager.default.temporaryDirectory
            .appendingPathComponent("\(prefix)-\(UUID().uuidString.prefix(8).lowercased())")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        try write(files)
    }

    public func write(_ files: [String: String]) throws {
        for (path, text) in files { try write(path, text) }
    }

    public func write(_ path: String, _ text: String) throws {
        let url = root.appendingPathComponent(path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: url)
    }

    public func read(_ path: String) throws -> String {
        try String(contentsOf: root.appendingPathComponent(path), encoding: .utf8)
    }

    public func remove(_ path: String) throws {
        try FileManager.default.removeItem(at: root.appendingPathComponent(path))
    }

    public func delete() {
        try? FileManager.default.removeItem(at: root)
    }
}
