import CSystemCalls
import Foundation

/// Linux process descriptors (pidfds): a handle on one process that a recycled PID can never redirect.
///
/// Foundation's `Process` on Linux learns that a child exited from end-of-file on one end of a socket pair
/// whose other end the child inherits (swift-corelibs-foundation #4795): a grandchild that keeps that
/// descriptor (conmon after `podman run --detach`, any `cmd &`) holds the exit notice back for as long
/// as it lives, and only then does Foundation `waitpid` and call `terminationHandler`. A pidfd becomes
/// readable when the child itself exits, whoever holds what. The calls are made as system calls
/// (`CSystemCalls`), so any glibc will do; a kernel without one answers ENOSYS or EINVAL, and the runner
/// falls back as `ProcessFeatures` describes.
enum ProcessDescriptor {
    #if os(Linux)
    /// `PIDFD_SIGNAL_PROCESS_GROUP` (Linux 6.9): the group the process leads, even after it was reaped.
    private static let signalProcessGroup: UInt32 = 1 << 2
    /// `P_PIDFD` for `waitid` (Linux 5.4).
    private static let byDescriptor = idtype_t(rawValue: 3)
    #endif

    /// A pidfd for `pid` (close-on-exec), or nil where there is none: not Linux, a kernel before 5.3,
    /// `pidfdOpen` turned off, or already reaped. The system call itself, not glibc's wrapper (2.36).
    static func open(_ pid: pid_t, features: ProcessFeatures = .all) -> Int32? {
        guard features.contains(.pidfdOpen) else { return nil }
        let descriptor = workflows_pidfd_open(pid, 0)
        return descriptor >= 0 ? descriptor : nil
    }

    enum Delivery { case delivered, gone, unsupported }

    /// Signals the process group that the process leads: through the pidfd, so never a recycled group.
    /// `unsupported` before Linux 6.9 (EINVAL: the flag is unknown) or with `groupSignalByPidfd` off.
    static func signalGroup(_ descriptor: Int32, _ signal: Int32, features: ProcessFeatures = .all) -> Delivery {
        #if os(Linux)
        guard features.contains(.groupSignalByPidfd) else { return .unsupported }
        if workflows_pidfd_send_signal(descriptor, signal, signalProcessGroup) == 0 { return .delivered }
        return errno == ESRCH ? .gone : .unsupported
        #else
        return .unsupported
        #endif
    }

    /// Signals the process itself; it cannot reach another process that got the same number later.
    static func signalProcess(_ descriptor: Int32, _ signal: Int32) -> Delivery {
        if workflows_pidfd_send_signal(descriptor, signal, 0) == 0 { return .delivered }
        return errno == ESRCH ? .gone : .unsupported
    }

    enum State: Equatable { case running, exited(Termination), reaped }

    /// How the process is doing, without reaping it: an exited child stays a zombie, so its number stays
    /// its own. Through the pidfd (Linux 5.4); before that (EINVAL), or with `waitidByPidfd` off, by `pid`.
    static func state(_ descriptor: Int32, pid: pid_t, features: ProcessFeatures = .all) -> State {
        #if os(Linux)
        guard features.contains(.waitidByPidfd) else { return state(ofChild: pid) }
        var info = siginfo_t()
        var result: Int32
        repeat {
            result = waitid(byDescriptor, id_t(descriptor), &info, WEXITED | WNOWAIT | WNOHANG)
        } while result != 0 && errno == EINTR
        if result != 0 && errno == EINVAL { return state(ofChild: pid) }
        return state(result, info)
        #else
        return .reaped
        #endif
    }

    /// The same by PID, for a child of this process: ECHILD once it has been reaped.
    static func state(ofChild pid: pid_t) -> State {
        #if os(Linux)
        var info = siginfo_t()
        var result: Int32
        repeat {
            result = waitid(P_PID, id_t(pid), &info, WEXITED | WNOWAIT | WNOHANG)
        } while result != 0 && errno == EINTR
        return state(result, info)
        #else
        return .reaped
        #endif
    }

    #if os(Linux)
    private static func state(_ result: Int32, _ info: siginfo_t) -> State {
        guard result == 0 else { return .reaped }
        guard info._sifields._sigchld.si_pid != 0 else { return .running }
        let status = info._sifields._sigchld.si_status
        switch info.si_code {
        case Int32(CLD_EXITED): return .exited(.exited(status))
        case Int32(CLD_KILLED), Int32(CLD_DUMPED): return .exited(.signalled(status))
        default: return .running
        }
    }
    #endif

    /// Takes a duplicate of the child's end of Foundation's exit-notice socket (see above). While we hold
    /// it, Foundation cannot see end-of-file, so it cannot reap the child: its PID stays its own until we
    /// let go, after we have stopped signalling it. Letting go (`release`) shuts the socket down, which
    /// also frees Foundation from waiting for a grandchild that inherited it.
    ///
    /// The child's descriptors are listed in /proc; the socket is the one whose peer is this process
    /// (Foundation created the pair here). Nil when it cannot be told apart or taken (the child has exited
    /// already, or no ptrace-level access to it), and then Foundation's own notice decides the reaping.
    static func takeExitSocket(of pid: pid_t, descriptor: Int32, features: ProcessFeatures = .all) -> Int32? {
        #if os(Linux)
        guard features.contains(.pidfdGetfd) else { return nil }
        let folder = "/proc/\(pid)/fd"
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: folder) else { return nil }
        var found: [Int32] = []
        for entry in entries {
            guard let number = Int32(entry), number > 2,
                let target = try? FileManager.default.destinationOfSymbolicLink(atPath: "\(folder)/\(entry)"),
                target.hasPrefix("socket:")
            else { continue }
            let copy = workflows_pidfd_getfd(descriptor, number, 0)
            guard copy >= 0 else { continue }
            if peerProcess(of: copy) == getpid() { found.append(copy) } else { close(copy) }
        }
        guard found.count == 1 else {
            for copy in found { close(copy) }
            return nil
        }
        return found[0]
        #else
        return nil
        #endif
    }

    /// A socket open in this process: its descriptor and inode (a number alone may be reused).
    struct OpenSocket: Hashable {
        var descriptor: Int32
        var inode: UInt64
    }

    /// The sockets open in this process now.
    static func openSockets() -> Set<OpenSocket> {
        #if os(Linux)
        var sockets: Set<OpenSocket> = []
        for entry in (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? [] {
            guard let number = Int32(entry) else { continue }
            var status = stat()
            guard fstat(number, &status) == 0, status.st_mode & S_IFMT == S_IFSOCK else { continue }
            sockets.insert(OpenSocket(descriptor: number, inode: UInt64(status.st_ino)))
        }
        return sockets
        #else
        return []
        #endif
    }

    /// Foundation's own end of the exit-notice socket that a launch just created: the one stream socket
    /// that is new since `before`, apart from `ours` (Foundation's run-loop wake-up pair is datagram).
    /// Nil when it cannot be told apart (another thread opened a stream socket meanwhile) or is gone.
    static func newNoticeSocket(since before: Set<OpenSocket>, excluding ours: Int32?) -> OpenSocket? {
        #if os(Linux)
        let new = openSockets().subtracting(before).filter { socket in
            var type: Int32 = 0
            var length = socklen_t(MemoryLayout<Int32>.size)
            return socket.descriptor != ours
                && getsockopt(socket.descriptor, SOL_SOCKET, SO_TYPE, &type, &length) == 0
                && type == Int32(SOCK_STREAM.rawValue)
        }
        return new.count == 1 ? new.first : nil
        #else
        return nil
        #endif
    }

    /// A duplicate of Foundation's end of the exit notice. Shutting it down (`release`) makes Foundation
    /// notice the exit, and reap, even while a grandchild holds the child's end and we could not take
    /// that (the child had exited already). Nil if Foundation closed it meanwhile.
    static func duplicate(_ socket: OpenSocket) -> Int32? {
        let copy = fcntl(socket.descriptor, F_DUPFD_CLOEXEC, 3)
        guard copy >= 0 else { return nil }
        // Closed meanwhile, the number may be another's now: the inode tells.
        var status = stat()
        guard fstat(copy, &status) == 0, UInt64(status.st_ino) == socket.inode else {
            close(copy)
            return nil
        }
        return copy
    }

    /// Waits a little for Foundation to close its end of the exit notice, which it does just after it
    /// called the termination handler: a run then leaves the descriptor table as it found it.
    static func waitUntilClosed(_ socket: OpenSocket, seconds: Double) {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            var status = stat()
            guard fstat(socket.descriptor, &status) == 0, UInt64(status.st_ino) == socket.inode else { return }
            usleep(200)
        }
    }

    /// Shuts down one of our duplicates of an exit-notice socket, which Foundation then reads as
    /// end-of-file whoever else holds it, and closes the duplicate.
    static func release(_ socket: Int32) {
        shutdown(socket, Int32(SHUT_RDWR))
        close(socket)
    }

    #if os(Linux)
    /// `SO_PEERCRED`'s process: for a socket pair, the process that created it.
    private static func peerProcess(of socket: Int32) -> pid_t? {
        var credentials: (pid: Int32, uid: UInt32, gid: UInt32) = (0, 0, 0)
        var length = socklen_t(MemoryLayout.size(ofValue: credentials))
        guard getsockopt(socket, SOL_SOCKET, SO_PEERCRED, &credentials, &length) == 0 else { return nil }
        return credentials.pid
    }
    #endif
}
