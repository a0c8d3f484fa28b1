import Foundation

/// The host and process that made a container or image, as its `workflows.owner` label says (`host/pid`).
struct RunOwner: Sendable, Equatable, CustomStringConvertible {
    var host: String
    var pid: Int32

    static let current = RunOwner(host: ProcessInfo.processInfo.hostName, pid: getpid())

    init(host: String, pid: Int32) {
        self.host = host
        self.pid = pid
    }

    /// nil for a label that is not `host/pid`.
    init?(label: String) {
        guard let slash = label.lastIndex(of: "/"), let pid = Int32(label[label.index(after: slash)...]), pid > 0 else {
            return nil
        }
        self.init(host: String(label[..<slash]), pid: pid)
    }

    var description: String { "\(host)/\(pid)" }

    /// Alive when it is a process of this host that still exists; a process of another host cannot be
    /// known dead, so it counts as alive.
    var isAlive: Bool {
        guard host == Self.current.host else { return true }
        return kill(pid, 0) == 0 || errno == EPERM
    }
}
