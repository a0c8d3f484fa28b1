import Foundation

/// Docker's grammar for image references and tags (distribution/reference), for validating before use.
enum ImageReference {
    private static let component = "[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*"
    private static let host = "(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*(?::[0-9]+)?/)?"
    private static let tag = "[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}"

    static func isValidTag(_ text: String) -> Bool {
        matches(text, "^\(tag)\\z")
    }

    /// A repository without a tag, such as `ghcr.io/owner/app` or `127.0.0.1:5000/owner/app`.
    static func isValidRepository(_ text: String) -> Bool {
        matches(text, "^\(host)\(component)(?:/\(component))*\\z")
    }

    /// A repository with an optional `:tag`.
    static func isValid(_ text: String) -> Bool {
        matches(text, "^\(host)\(component)(?:/\(component))*(?::\(tag))?\\z")
    }

    /// The repository of a reference: `app:latest` → `app`, `host:5000/a/b:t` → `host:5000/a/b`.
    static func repository(of reference: String) -> String {
        guard let colon = reference.lastIndex(of: ":"), !reference[colon...].contains("/") else { return reference }
        return String(reference[..<colon])
    }

    /// The registry a repository lives on, as `docker login` wants it; Docker Hub when none is named.
    static func registry(of repository: String) -> String {
        guard let slash = repository.firstIndex(of: "/") else { return "docker.io" }
        let first = repository[..<slash]
        if first.contains(".") || first.contains(":") || first == "localhost" { return String(first) }
        return "docker.io"
    }

    /// `\\z`, not `$`: ICU's `$` also matches before a final newline, Docker's grammar does not.
    private static func matches(_ text: String, _ pattern: String) -> Bool {
        text.range(of: pattern, options: .regularExpression) != nil
    }
}
