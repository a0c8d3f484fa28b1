import Foundation

/// Everything `workflows` itself prints. Colour only on a terminal and only when `NO_COLOR` is unset.
final class Console: @unchecked Sendable {
    enum Style: String, Sendable {
        case bold = "1"
        case red = "31"
        case green = "32"
        case yellow = "33"
        case cyan = "36"
    }

    private let standardOutput: FileHandle
    private let standardError: FileHandle
    private let colorOnStdout: Bool
    private let colorOnStderr: Bool
    private let lock = NSLock()
    /// True when stdout is a terminal: a status line may be drawn and redrawn.
    let isInteractive: Bool
    /// The transient status line now shown, cleared before anything else is written and drawn again after.
    private var statusText: String?
    /// A buffering console keeps its lines (styled, with their stream) until `replay(to:)`.
    private var buffer: [(toStandardError: Bool, text: String)]?
    /// What came from `${VAR}` in the project file: `***` in every line written.
    let secrets: SecretMask

    init(
        environment: [String: String],
        standardOutput: FileHandle = .standardOutput,
        standardError: FileHandle = .standardError
    ) {
        let noColor = !(environment["NO_COLOR"] ?? "").isEmpty
        self.standardOutput = standardOutput
        self.standardError = standardError
        self.colorOnStdout = !noColor && isatty(standardOutput.fileDescriptor) == 1
        self.colorOnStderr = !noColor && isatty(standardError.fileDescriptor) == 1
        self.isInteractive = isatty(standardOutput.fileDescriptor) == 1 && environment["TERM"] != "dumb"
        self.secrets = SecretMask()
    }

    /// A console that keeps what it is given, styled as `console` would style it, for a step that runs
    /// beside another and speaks after it.
    init(bufferingFor console: Console) {
        standardOutput = console.standardOutput
        standardError = console.standardError
        colorOnStdout = console.colorOnStdout
        colorOnStderr = console.colorOnStderr
        isInteractive = false
        buffer = []
        secrets = console.secrets
    }

    /// Writes what a buffering console kept to `console`, in order, and empties the buffer.
    func replay(to console: Console) {
        let lines = lock.withLock {
            defer { buffer = [] }
            return buffer ?? []
        }
        for line in lines { console.write(line.text, to: line.toStandardError ? console.standardError : console.standardOutput) }
    }

    /// Draws `text` as the status line on a terminal; nothing elsewhere.
    func status(_ text: String) {
        guard isInteractive else { return }
        lock.withLock {
            statusText = text
            try? standardOutput.write(contentsOf: Data(("\r\u{1B}[K" + text).utf8))
        }
    }

    func clearStatus() {
        guard isInteractive else { return }
        lock.withLock {
            guard statusText != nil else { return }
            statusText = nil
            try? standardOutput.write(contentsOf: Data("\r\u{1B}[K".utf8))
        }
    }

    func stepHeader(_ name: String) {
        let middle = "= \(name) ="
        let rule = String(repeating: "=", count: middle.count)
        out(styled([rule, middle, rule].joined(separator: "\n"), .cyan, onStdout: true))
    }

    /// The `==>> ` line before each external command: exactly what runs, pasteable into a shell.
    func command(_ argv: [String]) {
        out(styled("==>> " + ShellQuoting.line(argv), .bold, onStdout: true))
    }

    func info(_ text: String) { out(text) }

    func success(_ text: String) { out(styled(text, .green, onStdout: true)) }

    func failure(_ text: String) { out(styled(text, .red, onStdout: true)) }

    func warning(_ text: String) { err(styled("warning: " + text, .yellow, onStdout: false)) }

    func error(_ text: String) { err(styled("error: " + text, .red, onStdout: false)) }

    /// Plain text on stderr, as usage errors want it.
    func diagnostic(_ text: String) { err(text) }

    private func styled(_ text: String, _ style: Style, onStdout: Bool) -> String {
        guard onStdout ? colorOnStdout : colorOnStderr else { return text }
        return "\u{1B}[\(style.rawValue)m\(text)\u{1B}[0m"
    }

    private func out(_ text: String) { write(text, to: standardOutput) }
    private func err(_ text: String) { write(text, to: standardError) }

    private func write(_ text: String, to handle: FileHandle) {
        let text = secrets.apply(text)
        lock.withLock {
            if buffer != nil {
                buffer?.append((handle === standardError, text))
                return
            }
            guard let status = statusText else {
                try? handle.write(contentsOf: Data((text + "\n").utf8))
                return
            }
            try? standardOutput.write(contentsOf: Data("\r\u{1B}[K".utf8))
            try? handle.write(contentsOf: Data((text + "\n").utf8))
            try? standardOutput.write(contentsOf: Data(status.utf8))
        }
    }
}
