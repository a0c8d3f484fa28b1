import Foundation

/// The children that are running now, so that they can be stopped, and a gate that closes when
/// cancellation starts so that nothing new starts behind the cleanup's back.
///
/// A child is registered before anything can notice its exit, and leaves the set the moment its exit is
/// noticed, before its PID can be reaped (see `RunningChild`): the set never holds a dead PID for long,
/// and no signal ever goes to a PID after it was reaped.
final class ChildProcesses: @unchecked Sendable {
    private let lock = NSLock()
    private var children: [ObjectIdentifier: RunningChild] = [:]
    private var closed = false

    init() {}

    /// Registers a started child; false when cancellation has begun, and the caller must stop it.
    func add(_ child: RunningChild) -> Bool {
        let added = lock.withLock {
            guard !closed else { return false }
            children[ObjectIdentifier(child)] = child
            return true
        }
        // Its exit may have been noticed before it was added: then it must not stay.
        if added, child.hasExited { remove(child) }
        return added
    }

    func remove(_ child: RunningChild) {
        lock.withLock { _ = children.removeValue(forKey: ObjectIdentifier(child)) }
    }

    /// The PIDs of the children whose exit has not been noticed yet.
    var running: Set<Int32> { lock.withLock { Set(children.values.map(\.pid)) } }

    var isClosed: Bool { lock.withLock { closed } }

    /// From now on no child may start.
    func close() { lock.withLock { closed = true } }

    /// Sends `signal` to every running child and its own children: Foundation makes each child the
    /// leader of a process group, so the group is signalled (docker's plugins, pytest's workers).
    func signalAll(_ signal: Int32) {
        for child in lock.withLock({ Array(children.values) }) { child.signal(signal) }
    }
}

/// One started child as the signalling side sees it. Signals go through its pidfd where there is one, so
/// they can never reach a process that later got the same number; and nothing is sent once its exit has
/// been noticed (`markExited`), which the runner does before it lets the child be reaped.
final class RunningChild: @unchecked Sendable {
    let pid: Int32
    private let lock = NSLock()
    /// Owned by the runner, which closes it only after `markExited`.
    private let descriptor: Int32?
    /// True while the runner holds Foundation's exit-notice socket: the child cannot be reaped meanwhile.
    private let reapHeldOff: Bool
    private let features: ProcessFeatures
    private var exited = false
    private var stopping = false
    /// The teardown's SIGKILL has gone to the group: nothing of it can outlive the leader's reaping.
    private var killed = false

    init(pid: Int32, descriptor: Int32?, reapHeldOff: Bool, features: ProcessFeatures = .all) {
        self.pid = pid
        self.descriptor = descriptor
        self.reapHeldOff = reapHeldOff
        self.features = features
    }

    /// Whether the child is still unreaped (running, or a zombie that keeps its number), as far as we know.
    private var unreaped: Bool {
        if reapHeldOff { return true }
        let state = descriptor.map { ProcessDescriptor.state($0, pid: pid, features: features) }
            ?? ProcessDescriptor.state(ofChild: pid)
        return state != .reaped
    }

    var hasExited: Bool { lock.withLock { exited } }

    /// From now on no signal is sent to the child: its PID may be reaped and reused.
    func markExited() { lock.withLock { exited = true } }

    /// Marks the child exited (see `markExited`) once it may be reaped, and says whether it may. A child
    /// whose teardown is under way, and that is still unreaped (its zombie keeps the group's number from
    /// being reused), is kept so until its group is torn down: until the teardown's SIGKILL has gone to the
    /// group, or no process but the zombie leader is left in it. A grandchild that ignored SIGTERM then
    /// still gets the SIGKILL. False: ask again a moment later. We hold the reaping off ourselves only with
    /// `pidfd_getfd` (Linux 5.6); before it, only while whatever the child left running holds its end
    /// of Foundation's exit notice.
    func finishIfTornDown() -> Bool {
        lock.withLock {
            if stopping, !killed, ProcessGroup.hasLiveMembers(pid, besides: pid), unreaped { return false }
            exited = true
            return true
        }
    }

    /// Sends `signal` to the child's process group (the child and what it started), unless its exit has
    /// been noticed. False when nothing was sent.
    @discardableResult
    func signal(_ signal: Int32) -> Bool {
        lock.withLock {
            guard !exited else { return false }
            guard let descriptor else {
                // No pidfd (not Linux): the PID is ours until Foundation's exit notice, which marks it.
                if kill(-pid, signal) != 0 { return kill(pid, signal) == 0 }
                return true
            }
            switch ProcessDescriptor.signalGroup(descriptor, signal, features: features) {
            case .delivered: return true
            case .gone: return false
            case .unsupported: break
            }
            // Before Linux 6.9 a group is signalled by number, which is safe only while the leader is not
            // reaped: certain while we hold its exit notice, checked through the pidfd otherwise.
            if !reapHeldOff, ProcessDescriptor.state(descriptor, pid: pid, features: features) == .reaped { return false }
            if kill(-pid, signal) == 0 { return true }
            return ProcessDescriptor.signalProcess(descriptor, signal) == .delivered
        }
    }

    /// The teardown sequence: SIGTERM to the group, then SIGKILL after `grace` seconds unless the child
    /// has exited by then. Only the first call does anything, and calls `starting` before it signals;
    /// true if it found the child running.
    @discardableResult
    func tearDown(grace: Double, starting: () -> Void = {}) -> Bool {
        let first = lock.withLock {
            guard !exited, !stopping else { return false }
            stopping = true
            return true
        }
        guard first else { return false }
        starting()
        signal(SIGTERM)
        DispatchQueue.global().asyncAfter(deadline: .now() + grace) { [self] in
            signal(SIGKILL)
            lock.withLock { killed = true }
        }
        return true
    }
}

/// Process groups as /proc shows them.
enum ProcessGroup {
    /// Whether a process that has not exited, other than `leader`, is in the group `group`. Where /proc
    /// cannot tell (not Linux), true: the caller then waits for the SIGKILL it was going to send anyway.
    static func hasLiveMembers(_ group: pid_t, besides leader: pid_t) -> Bool {
        #if os(Linux)
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: "/proc") else { return true }
        for entry in entries {
            guard let pid = Int32(entry), pid != leader,
                let stat = try? String(contentsOfFile: "/proc/\(entry)/stat", encoding: .utf8),
                let close = stat.lastIndex(of: ")")
            else { continue }
            // After the command's name: state, parent, group.
            let fields = stat[stat.index(after: close)...].split(separator: " ", maxSplits: 3)
            guard fields.count >= 3, Int32(fields[2]) == group else { continue }
            if fields[0] != "Z" && fields[0] != "X" { return true }
        }
        return false
        #else
        return true
        #endif
    }
}
