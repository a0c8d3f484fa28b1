#include "CSystemCalls.h"

#include <errno.h>

#if defined(__linux__)
#include <sys/syscall.h>
#include <unistd.h>

/* The numbers are the same on every architecture since Linux 5.1's unified table; older headers lack them. */
#ifndef SYS_pidfd_send_signal
#define SYS_pidfd_send_signal 424
#endif
#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif
#ifndef SYS_pidfd_getfd
#define SYS_pidfd_getfd 438
#endif

int workflows_pidfd_open(pid_t pid, unsigned int flags) {
    return (int)syscall(SYS_pidfd_open, pid, flags);
}

int workflows_pidfd_send_signal(int pidfd, int signal, unsigned int flags) {
    return (int)syscall(SYS_pidfd_send_signal, pidfd, signal, (void *)0, flags);
}

int workflows_pidfd_getfd(int pidfd, int target, unsigned int flags) {
    return (int)syscall(SYS_pidfd_getfd, pidfd, target, flags);
}

#else

int workflows_pidfd_open(pid_t pid, unsigned int flags) {
    (void)pid; (void)flags;
    errno = ENOSYS;
    return -1;
}

int workflows_pidfd_send_signal(int pidfd, int signal, unsigned int flags) {
    (void)pidfd; (void)signal; (void)flags;
    errno = ENOSYS;
    return -1;
}

int workflows_pidfd_getfd(int pidfd, int target, unsigned int flags) {
    (void)pidfd; (void)target; (void)flags;
    errno = ENOSYS;
    return -1;
}

#endif
