import Foundation

/// A Dockerfile's instructions and stages, as far as its lines and `FROM` lines tell them: the one reader
/// of them for the build's labels, the build keys' checks, the wheels' base image and the health plan.
enum DockerfileStages {
    /// One instruction: its text with continuations joined, and the index of its first physical line.
    struct Instruction: Equatable {
        var line: Int
        var text: String
    }

    /// One `FROM`: the index of its physical line, the image or stage it builds on, and its name
    /// (`AS name`, lower-cased as the builders compare them).
    struct Stage: Equatable {
        var line: Int
        var base: String
        var name: String?
    }

    /// The image the last stage builds on, following stage names (`FROM build AS final`, then
    /// `FROM final`) back to an image; nil for `scratch`, or a name that an `ARG` decides.
    static func finalBase(of dockerfile: String) -> String? {
        let stages = stages(of: dockerfile)
        guard var base = stages.last?.base else { return nil }
        var index = stages.count - 1
        while let earlier = stages[..<index].lastIndex(where: { $0.name == base.lowercased() }) {
            base = stages[earlier].base
            index = earlier
        }
        return base.contains("$") || base.lowercased() == "scratch" ? nil : base
    }

    /// Every `FROM`, in order.
    static func stages(of dockerfile: String) -> [Stage] {
        instructions(dockerfile).compactMap { instruction in
            let words = instruction.text.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
            guard words.first?.uppercased() == "FROM" else { return nil }
            let operands = words.dropFirst().filter { !$0.hasPrefix("--") }
            guard let base = operands.first else { return nil }
            let rest = Array(operands.dropFirst())
            let name = rest.count == 2 && rest[0].uppercased() == "AS" ? rest[1].lowercased() : nil
            return Stage(line: instruction.line, base: base, name: name)
        }
    }

    /// The instructions, one per line: continuations (the `# escape=` character's, else `\`) joined,
    /// comments and blank lines dropped.
    static func logicalLines(_ text: String) -> [String] { instructions(text).map(\.text) }

    /// The instructions as the builders read them: continuations joined (blank and comment lines inside one
    /// skipped), comments and blank lines dropped, and the bodies of heredocs (`RUN <<EOF` … `EOF`) skipped,
    /// so that a `FROM` written into a file is not a stage.
    static func instructions(_ text: String) -> [Instruction] {
        let escape = escapeCharacter(of: text)
        var instructions: [Instruction] = []
        var current = ""
        var start = 0
        var terminators: [(word: String, tabs: Bool)] = []
        for (index, raw) in physicalLines(text).enumerated() {
            if let terminator = terminators.first {
                let body = terminator.tabs ? String(raw.drop { $0 == "\t" }) : String(raw)
                if body == terminator.word { terminators.removeFirst() }
                continue
            }
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.hasPrefix("#") || (line.isEmpty && !current.isEmpty) { continue }
            if current.isEmpty { start = index }
            if line.last == escape {
                current += line.dropLast() + " "
                continue
            }
            current += line
            if !current.trimmingCharacters(in: .whitespaces).isEmpty {
                instructions.append(Instruction(line: start, text: current))
                terminators = heredocs(in: current)
            }
            current = ""
        }
        if !current.isEmpty { instructions.append(Instruction(line: start, text: current)) }
        return instructions
    }

    /// The heredocs an instruction opens (`<<EOF`, `<<-EOF`, `<<"EOF"`), in order; `-` strips leading tabs
    /// from the body's lines, its terminator's too. Only `RUN`, `COPY` and `ADD` take them.
    static func heredocs(in instruction: String) -> [(word: String, tabs: Bool)] {
        let keyword = instruction.prefix { !$0.isWhitespace }.uppercased()
        guard ["RUN", "COPY", "ADD"].contains(keyword) else { return [] }
        let pattern = #"<<(-?)(["']?)([A-Za-z_][A-Za-z0-9_]*)\2"#
        guard let expression = try? NSRegularExpression(pattern: pattern) else { return [] }
        let range = NSRange(instruction.startIndex..., in: instruction)
        return expression.matches(in: instruction, range: range).compactMap { match in
            guard let tabs = Range(match.range(at: 1), in: instruction), let word = Range(match.range(at: 3), in: instruction)
            else { return nil }
            return (String(instruction[word]), !instruction[tabs].isEmpty)
        }
    }

    /// The lines as the builders count them: split at `\n` (and `\r\n`) only, without a leading byte order mark.
    static func physicalLines(_ text: String) -> [Substring] {
        let body = text.hasPrefix("\u{FEFF}") ? text.dropFirst() : Substring(text)
        return body.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" })
    }

    /// The backtick of a `# escape=` parser directive, else `\`. Directives come first: the first line that
    /// is not one (a comment, a blank line, an instruction) ends them.
    static func escapeCharacter(of text: String) -> Character {
        for line in physicalLines(text) {
            let compact = line.replacingOccurrences(of: " ", with: "").replacingOccurrences(of: "\t", with: "").lowercased()
            guard compact.range(of: #"^#[a-z]+="#, options: .regularExpression) != nil else { break }
            if compact == "#escape=`" { return "`" }
        }
        return "\\"
    }
}
