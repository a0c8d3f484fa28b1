import Foundation

/// A child's captured stream, at most about `limit` bytes in memory: its head and its tail, each half,
/// and between them a line that says how much was cut. The lines cut from the middle are read as they
/// go, and those that look like a linter's finding (`path:line:` or `path:line:col:`) are kept, so that
/// a cap never loses a finding (up to `limit` more bytes of them).
struct CappedCapture {
    static let defaultLimit = 8 << 20
    let limit: Int
    private var head = Data()
    private var tail = Data()
    private var findings = Data()
    private var cutBytes = 0
    private var cutLines = 0
    private var keptFindings = 0

    init(limit: Int = defaultLimit) { self.limit = limit }

    mutating func append(_ data: Data) {
        let room = limit / 2 - head.count
        if room > 0 {
            head.append(data.prefix(room))
            if data.count <= room { return }
            tail.append(data.dropFirst(room))
        } else {
            tail.append(data)
        }
        // Within the limit, head and tail together; trimmed to an eighth below it, so that trimming is rare
        // whatever the chunks.
        guard head.count + tail.count > limit else { return }
        let excess = tail.count - (limit / 2 - limit / 8)
        // Cut at a line's end, so that each cut line is read whole.
        guard let newline = tail[(tail.startIndex + excess)...].firstIndex(of: 0x0A) else { return }
        let cut = tail[tail.startIndex...newline]
        for line in cut.split(separator: 0x0A, omittingEmptySubsequences: false) {
            cutLines += 1
            if findings.count < limit, Self.looksLikeFinding(line) {
                findings.append(contentsOf: line)
                findings.append(0x0A)
                keptFindings += 1
            }
        }
        cutLines -= 1  // the empty piece after the last newline
        cutBytes += cut.count
        tail = Data(tail[(newline + 1)...])
    }

    /// Everything kept, in order.
    var data: Data {
        guard cutBytes > 0 else { return head + tail }
        let marker = "\n[… workflows cut \(cutBytes) bytes (\(cutLines) lines) here to keep the capture within "
            + "\(limit) bytes; \(keptFindings) of those lines looked like findings and follow …]\n"
        return head + Data(marker.utf8) + findings + Data("[… end of the cut …]\n".utf8) + tail
    }

    /// `path:12:` or `path:12:3:` at the start of the line (flake8, mypy, ruff, pycodestyle, pylint).
    static func looksLikeFinding(_ line: some Collection<UInt8>) -> Bool {
        let text = String(decoding: line.prefix(1024), as: UTF8.self)
        return text.range(of: #"^[^\s:][^:]*:[0-9]+:([0-9]+:)?"#, options: .regularExpression) != nil
    }
}
