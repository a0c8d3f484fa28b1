/// The Linux process features the runner uses where the kernel has them, each with the kernel that brought
/// it and what the runner does without it. Each is detected at run time (an older kernel answers ENOSYS or
/// EINVAL, and the fallback takes over); tests turn them off to run each fallback on a new kernel.
struct ProcessFeatures: OptionSet, Sendable, Hashable {
    let rawValue: Int
    init(rawValue: Int) { self.rawValue = rawValue }

    /// `pidfd_open` (Linux 5.3): a handle on the child that a recycled PID cannot redirect, readable when
    /// it exits whoever holds what. Without it: the exit is polled with `waitid(P_PID, WNOWAIT)` every
    /// 0.1 s, and signals go by PID, until Foundation's exit notice.
    static let pidfdOpen = ProcessFeatures(rawValue: 1 << 0)
    /// `waitid(P_PIDFD)` (Linux 5.4): the exit status without reaping, through the pidfd. Without it:
    /// `waitid(P_PID, WNOWAIT)` on the child's PID, which is still ours while it is unreaped.
    static let waitidByPidfd = ProcessFeatures(rawValue: 1 << 1)
    /// `pidfd_getfd` (Linux 5.6): a copy of the child's end of Foundation's exit notice, which keeps the
    /// child unreaped until we let go. Without it: Foundation may reap once the child and whatever it left
    /// running have closed that end, and a group is then signalled only while its leader is seen unreaped.
    static let pidfdGetfd = ProcessFeatures(rawValue: 1 << 2)
    /// `PIDFD_SIGNAL_PROCESS_GROUP` (Linux 6.9): the group signalled through the leader's pidfd. Without
    /// it: `kill(-PID)`, while the leader is known to be unreaped.
    static let groupSignalByPidfd = ProcessFeatures(rawValue: 1 << 3)

    static let all: ProcessFeatures = [.pidfdOpen, .waitidByPidfd, .pidfdGetfd, .groupSignalByPidfd]
}
