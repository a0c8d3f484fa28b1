/// A failure a person can act on: what failed and why, then what to do about it.
struct WorkflowsError: Error, Equatable, CustomStringConvertible {
    enum Kind: Sendable, Equatable {
        /// The command line or a WORKFLOWS_* variable is wrong: exit 64, nothing ran.
        case usage
        /// docker, git or python is missing, or the engine does not answer.
        case tooling
        /// A file, image or repository the step needs is not there.
        case input
        /// A step ran and its verdict is "failed".
        case failed
    }

    var kind: Kind
    var message: String
    var remedy: String?

    init(_ kind: Kind, _ message: String, remedy: String? = nil) {
        self.kind = kind
        self.message = message
        self.remedy = remedy
    }

    var exitCode: Int32 { kind == .usage ? ExitCode.usage : ExitCode.failure }

    var description: String {
        guard let remedy else { return message }
        return message + "\n" + remedy
    }
}

enum ExitCode {
    static let success: Int32 = 0
    static let failure: Int32 = 1
    /// EX_USAGE from sysexits.h, as swift-argument-parser uses it.
    static let usage: Int32 = 64
    static func signal(_ number: Int32) -> Int32 { 128 + number }
}
