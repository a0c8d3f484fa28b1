import Foundation

/// A build context's `.dockerignore`, as Docker reads it (moby/patternmatcher): one pattern a line, `#`
/// comments, `!` exceptions, the last matching line wins, `*` and `?` within one path segment, `**` across
/// segments, and a pattern that matches a folder excludes everything in it. For telling whether a file in
/// the context is sent to the builder, and so can reach the image by a `COPY` or `ADD`.
struct DockerIgnore: Sendable, Equatable {
    struct Pattern: Sendable, Equatable {
        var regex: String
        var exception: Bool
    }

    var patterns: [Pattern]

    init(_ text: String) {
        patterns = text.split(whereSeparator: \.isNewline).compactMap { raw in
            var line = raw.trimmingCharacters(in: .whitespaces)
            guard !line.isEmpty, !line.hasPrefix("#") else { return nil }
            let exception = line.hasPrefix("!")
            if exception { line = String(line.dropFirst()).trimmingCharacters(in: .whitespaces) }
            // Go's filepath.Clean, relative to the context: no empty or `.` segments, `..` taken back.
            var segments: [Substring] = []
            for segment in line.split(separator: "/") where segment != "." {
                if segment == ".." { _ = segments.popLast() } else { segments.append(segment) }
            }
            guard !segments.isEmpty else { return nil }
            return Pattern(regex: Self.regex(segments.joined(separator: "/")), exception: exception)
        }
    }

    /// The `.dockerignore` a build of `dockerfile` (absolute) in `context` (absolute) reads: BuildKit's
    /// `Dockerfile.dockerignore` beside the Dockerfile first, else the context's own; none: nothing ignored.
    static func of(dockerfile: URL, context: URL) -> DockerIgnore {
        for file in [URL(fileURLWithPath: dockerfile.path + ".dockerignore"), context.appendingPathComponent(".dockerignore")] {
            if let text = try? String(contentsOf: file, encoding: .utf8) { return DockerIgnore(text) }
        }
        return DockerIgnore("")
    }

    /// Whether `path` (relative to the context, `/`-separated) is left out of the build context.
    func excludes(_ path: String) -> Bool {
        let parts = path.split(separator: "/").map(String.init)
        // The path itself and each folder it lies in.
        let candidates = parts.indices.map { parts[...$0].joined(separator: "/") }
        var excluded = false
        for pattern in patterns where candidates.contains(where: { $0.range(of: pattern.regex, options: .regularExpression) != nil }) {
            excluded = !pattern.exception
        }
        return excluded
    }

    /// Go's `filepath.Match` syntax, with `**`, as an anchored regular expression.
    static func regex(_ pattern: String) -> String {
        var result = "^"
        var characters = Array(pattern)[...]
        while let character = characters.popFirst() {
            switch character {
            case "*" where characters.first == "*":
                characters.removeFirst()
                if characters.first == "/" {
                    characters.removeFirst()
                    result += "(.*/)?"
                } else {
                    result += ".*"
                }
            case "*": result += "[^/]*"
            case "?": result += "[^/]"
            case "[":
                var set = "["
                while let next = characters.popFirst() {
                    set.append(next)
                    if next == "]" { break }
                }
                result += set.hasSuffix("]") ? set : NSRegularExpression.escapedPattern(for: set)
            case "\\":
                if let next = characters.popFirst() { result += NSRegularExpression.escapedPattern(for: String(next)) }
            default: result += NSRegularExpression.escapedPattern(for: String(character))
            }
        }
        return result + "$"
    }
}
