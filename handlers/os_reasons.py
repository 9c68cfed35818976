"""Why the operating system refused a file or a port, in the words of whoever reads it (operators, staff): one small
module, because every command and process start reports such a refusal and should not load more to say it."""

from __future__ import annotations

import errno

# The operating system's reasons in the operator's words (its own strerror is English).
OS_REASONS = {
    errno.ENOENT: "文件或目录不存在",
    errno.EACCES: "没有权限",
    errno.EPERM: "没有权限",
    errno.EISDIR: "这是一个目录，不是文件",
    errno.ENOTDIR: "路径中有一段不是目录",
    errno.ENOSPC: "磁盘空间已满",
    errno.EROFS: "文件系统是只读的",
    errno.ENAMETOOLONG: "文件名太长",
    errno.EEXIST: "已经有同名的文件",
    errno.EADDRINUSE: "已被其他程序占用",
    errno.EADDRNOTAVAIL: "本机没有这个地址",
}


def os_reason(error: OSError) -> str:
    """Why the operating system refused to read or write a file, in Chinese where the reason is a common one."""
    return OS_REASONS.get(error.errno or 0, error.strerror or str(error))
