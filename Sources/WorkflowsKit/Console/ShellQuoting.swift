/// Quotes an argument vector so that the echoed line can be pasted into a POSIX shell as it is.
enum ShellQuoting {
    private static let safe = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789@%+=:,./_-")

    static func quote(_ argument: String) -> String {
        if !argument.isEmpty, argument.allSatisfy({ safe.contains($0) }) { return argument }
        return "'" + argument.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }

    static func line(_ argv: [String]) -> String {
        argv.map(quote).joined(separator: " ")
    }
}
