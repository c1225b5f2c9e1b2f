import Glibc

/// An exclusive lock on `<ledger>.transfer.lock` (flock): two overlapping runs never send at once.
/// The kernel drops it when the process dies, so a killed run never blocks the next.
public final class TransferLock {
    private let fd: Int32

    public init(ledgerPath: String) throws {
        fd = open(ledgerPath + ".transfer.lock", O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw Failure(.cannotCreate, "cannot open the transfer lock: \(Files.reason())") }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            close(fd)
            throw Failure(.busy, "another civlink transfer is running on this ledger; try again later")
        }
    }

    deinit {
        flock(fd, LOCK_UN)
        close(fd)
    }
}
