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
            for value in values.flatMap(Self.parts) where !value.isEmpty && !secrets.contains(value) {
                secrets.append(value)
            }
            secrets.sort { $0.count > $1.count }
        }
    }

    /// The shortest line of a secret of several lines that is hidden on its own.
    static let lineMinimum = 10

    /// A secret of several lines (a key or a token file) is hidden whole and line by line: a tool or a build
    /// prints it a line at a time, where the whole never appears. Short lines (`}`, `[global]`) and a PEM
    /// key's armour (`-----END PRIVATE KEY-----`) stay, since they would hide common text.
    static func parts(_ value: String) -> [String] {
        let lines = value.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
        guard lines.count > 1 else { return [value] }
        return [value] + lines.filter { $0.count >= lineMinimum && !$0.hasPrefix("-----") }
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
        return Self.maskingCutParts(of: secrets, in: masked)
    }

    /// The shortest part of a secret hidden when a tool cut it short.
    static let partMinimum = 4

    /// A secret a tool cut short shows part of itself beside an ellipsis: pytest's one-line summary
    /// (`AssertionError: assert 's3cr3t-va...`) and its long reprs (`'s3cr...-value'`). Its start before
    /// `...`/`…` and its end after one, `partMinimum` characters or more, are hidden too.
    static func maskingCutParts(of secrets: [String], in text: String) -> String {
        let secrets = secrets.filter { $0.count > partMinimum }
        guard !secrets.isEmpty, text.contains("...") || text.contains("…") else { return text }
        var cuts: [Range<String.Index>] = []
        for ellipsis in ["...", "…"] {
            var searchStart = text.startIndex
            while let found = text.range(of: ellipsis, range: searchStart..<text.endIndex) {
                searchStart = found.upperBound
                let before = text[..<found.lowerBound]
                let after = text[found.upperBound...]
                for secret in secrets {
                    if let length = (partMinimum..<secret.count).reversed().first(where: { before.hasSuffix(secret.prefix($0)) }) {
                        cuts.append(text.index(found.lowerBound, offsetBy: -length)..<found.lowerBound)
                    }
                    if let length = (partMinimum..<secret.count).reversed().first(where: { after.hasPrefix(secret.suffix($0)) }) {
                        cuts.append(found.upperBound..<text.index(found.upperBound, offsetBy: length))
                    }
                }
            }
        }
        guard !cuts.isEmpty else { return text }
        var result = ""
        var position = text.startIndex
        for cut in cuts.sorted(by: { $0.lowerBound < $1.lowerBound }) {
            if cut.lowerBound >= position {
                result += text[position..<cut.lowerBound] + replacement
                position = cut.upperBound
            } else if cut.upperBound > position {
                position = cut.upperBound  // overlaps the one before: hidden with it
            }
        }
        return result + text[position...]
    }
}
