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

    static func stages(of dockerfile: String) -> [Stage] {
        instructions(dockerfile).compactMap { instruction in
            let words = instruction.text.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
            guard words.first?.uppercased() == "FROM" else { return nil }
            let operands = words.dropFirst().filter { !$0.hasPrefix("--") }
            guard let base = operands.first else { return nil }
            let rest = Array(operands.dropFirst())
            return Stage(line: instruction.line, base: base, name: rest.count == 2 && rest[0].uppercased() == "AS" ? rest[1].lowercased() : nil)
        }
    }

    /// The instructions, one per line: continuations (the `# escape=` character's, else `\`) joined,
    /// comments and blank lines dropped.
    static func logicalLines(_ text: String) -> [String] { instructions(text).map(\.text) }

    static func instructions(_ text: String) -> [Instruction] {
        let escape = escapeCharacter(of: text)
        var instructions: [Instruction] = []
        var current = ""
        var start = 0
        for (index, raw) in physicalLines(text).enumerated() {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.hasPrefix("#") { continue }
            if current.isEmpty { start = index }
            if line.last == escape {
                current += line.dropLast() + " "
                continue
            }
            current += line
            if !current.trimmingCharacters(in: .whitespaces).isEmpty { instructions.append(Instruction(line: start, text: current)) }
            current = ""
        }
        if !current.isEmpty { instructions.append(Instruction(line: start, text: current)) }
        return instructions
    }

    /// The lines as the builders count them (`\n`, and `\r\n` as one).
    static func physicalLines(_ text: String) -> [Substring] {
        text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline)
    }

    /// The backtick of a `# escape=` directive at the top, else `\`.
    static func escapeCharacter(of text: String) -> Character {
        let directives = physicalLines(text).prefix { $0.hasPrefix("#") }
        return directives.contains { $0.replacingOccurrences(of: " ", with: "").lowercased() == "#escape=`" } ? "`" : "\\"
    }
}
