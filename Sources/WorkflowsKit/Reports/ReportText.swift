import Foundation

/// Tool output as reports keep it: bounded, and without terminal colours.
enum ReportText {
    /// The most of one gate's output a report keeps: 1 MiB.
    static let outputLimit = 1 << 20

    /// `text` when it fits in `limit` bytes of UTF-8; else its head and tail, each about half, around a
    /// line that says how much was cut (the head has the first findings, the tail the tools' summaries).
    static func capped(_ text: String, toBytes limit: Int = outputLimit) -> String {
        let bytes = text.utf8.count
        guard bytes > limit else { return text }
        let marker = "\n[… workflows cut \(bytes - limit) bytes here: the output was over \(limit) bytes …]\n"
        let keep = max(0, limit - marker.utf8.count)
        let head = prefix(text, bytes: keep / 2)
        let tail = suffix(text, bytes: keep - keep / 2)
        return head + marker + tail
    }

    /// The longest prefix of whole characters within `bytes` bytes of UTF-8.
    static func prefix(_ text: String, bytes: Int) -> String {
        var count = 0
        var end = text.startIndex
        for index in text.indices {
            let size = text[index].utf8.count
            guard count + size <= bytes else { break }
            count += size
            end = text.index(after: index)
        }
        return String(text[..<end])
    }

    /// The longest suffix of whole characters within `bytes` bytes of UTF-8.
    static func suffix(_ text: String, bytes: Int) -> String {
        var count = 0
        var start = text.endIndex
        while start > text.startIndex {
            let previous = text.index(before: start)
            let size = text[previous].utf8.count
            guard count + size <= bytes else { break }
            count += size
            start = previous
        }
        return String(text[start...])
    }

    /// Without ANSI escape sequences (`ESC [ … letter`): what a forced-colour tool adds to its output.
    static func strippingANSI(_ text: String) -> String {
        guard text.contains("\u{1B}") else { return text }
        var result = ""
        result.reserveCapacity(text.utf8.count)
        var scalars = text.unicodeScalars.makeIterator()
        while let scalar = scalars.next() {
            guard scalar == "\u{1B}" else {
                result.unicodeScalars.append(scalar)
                continue
            }
            guard let next = scalars.next() else { break }
            if next == "[" {
                // A CSI sequence ends at its first byte in @…~.
                while let byte = scalars.next(), !(0x40...0x7E).contains(byte.value) {}
            }
        }
        return result
    }

    /// The lines of a tool's output, `\n`, `\r\n` or `\r` ended, without colours.
    static func lines(_ output: String) -> [Substring] {
        strippingANSI(output).split(omittingEmptySubsequences: false, whereSeparator: \.isNewline)
    }
}
