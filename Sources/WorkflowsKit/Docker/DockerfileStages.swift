import Foundation

/// The stages of a Dockerfile, as far as `FROM` lines tell them.
enum DockerfileStages {
    /// The image the last stage builds on, following stage names (`FROM build AS final`, then
    /// `FROM final`) back to an image; nil for `scratch`, or a name that an `ARG` decides.
    static func finalBase(of dockerfile: String) -> String? {
        var stages: [(name: String?, base: String)] = []
        for line in logicalLines(dockerfile) {
            let words = line.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
            guard words.first?.uppercased() == "FROM" else { continue }
            let operands = words.dropFirst().filter { !$0.hasPrefix("--") }
            guard let base = operands.first else { continue }
            let rest = Array(operands.dropFirst())
            let name = rest.count == 2 && rest[0].uppercased() == "AS" ? rest[1].lowercased() : nil
            stages.append((name, base))
        }
        guard var base = stages.last?.base else { return nil }
        var index = stages.count - 1
        while let earlier = stages[..<index].lastIndex(where: { $0.name == base.lowercased() }) {
            base = stages[earlier].base
            index = earlier
        }
        return base.contains("$") || base.lowercased() == "scratch" ? nil : base
    }

    /// The instructions, one per line: continuations joined, comments and blank lines dropped.
    static func logicalLines(_ text: String) -> [String] {
        var lines: [String] = []
        var current = ""
        for raw in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline) {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.hasPrefix("#") { continue }
            if line.hasSuffix("\\") {
                current += line.dropLast() + " "
                continue
            }
            current += line
            if !current.trimmingCharacters(in: .whitespaces).isEmpty { lines.append(current) }
            current = ""
        }
        if !current.isEmpty { lines.append(current) }
        return lines
    }
}
