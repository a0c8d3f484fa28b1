#ifndef WORKFLOWS_CSYSTEMCALLS_H
#define WORKFLOWS_CSYSTEMCALLS_H

#include <sys/types.h>

/// The Linux pidfd system calls, called as system calls (`syscall(2)`), not through the C library's
/// wrappers: glibc has those only since 2.36, the kernel has the calls since 5.3 (pidfd_open) and 5.6
/// (pidfd_getfd); pidfd_send_signal since 5.1. Each returns -1 and sets errno on failure (ENOSYS where
/// the kernel, or the platform, has no such call).
int workflows_pidfd_open(pid_t pid, unsigned int flags);
int workflows_pidfd_send_signal(int pidfd, int signal, unsigned int flags);
int workflows_pidfd_getfd(int pidfd, int target, unsigned int flags);

#endif
