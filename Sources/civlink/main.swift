import CivlinkCLI
import Glibc

// A closed pipe is an error of write(2), answered with a quiet exit, not a signal.
signal(SIGPIPE, SIG_IGN)
exit(CLI.run(Environment.arguments, environment: Environment.current,
             stdout: FileDescriptorSink(fd: 1), stderr: FileDescriptorSink(fd: 2)))
