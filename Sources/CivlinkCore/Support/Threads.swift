import Glibc

/// A thread of its own, for work that blocks (a delivery, a read from a pipe) or that must run
/// beside the ledger's one writer. Join it before anything it uses goes away.
public final class WorkerThread: Sendable {
    private let handle: pthread_t

    private final class Body: Sendable {
        let run: @Sendable () -> Void
        init(_ run: @escaping @Sendable () -> Void) { self.run = run }
    }

    /// Starts `body` on a new thread; `background` lowers its priority so that the thread on the
    /// critical path (the writer) keeps its core.
    public init(background: Bool = false, _ body: @escaping @Sendable () -> Void) {
        let box = Unmanaged.passRetained(Body {
            if background { lowerThreadPriority() }
            body()
        })
        var thread = pthread_t()
        let rc = pthread_create(&thread, nil, { pointer in
            let body = Unmanaged<AnyObject>.fromOpaque(pointer!).takeRetainedValue() as! Body
            body.run()
            return nil
        }, box.toOpaque())
        precondition(rc == 0, "pthread_create failed: \(rc)")
        handle = thread
    }

    /// Waits for the thread to end. Call once.
    public func join() { pthread_join(handle, nil) }

    /// Starts `body` on a thread that nobody joins, for work its caller may stop waiting for (a
    /// name lookup past a request's deadline); false when no thread could be had.
    public static func detach(_ body: @escaping @Sendable () -> Void) -> Bool {
        var attributes = pthread_attr_t()
        pthread_attr_init(&attributes)
        defer { pthread_attr_destroy(&attributes) }
        pthread_attr_setdetachstate(&attributes, Int32(PTHREAD_CREATE_DETACHED))
        let box = Unmanaged.passRetained(Body(body))
        var thread = pthread_t()
        let status = pthread_create(&thread, &attributes, { pointer in
            let body = Unmanaged<AnyObject>.fromOpaque(pointer!).takeRetainedValue() as! Body
            body.run()
            return nil
        }, box.toOpaque())
        if status != 0 { box.release() }
        return status == 0
    }
}

/// Makes the calling thread yield to the process's other threads, for work that runs beside a
/// thread on the critical path. On Linux the nice value belongs to the thread, and `who` 0 names
/// the calling thread, so the rest of the process keeps its priority.
public func lowerThreadPriority() {
    _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, 10)
}

/// The cores civlink spreads CPU-bound work over (validation, signing, verifying): all of them,
/// up to 8.
public var processorWorkers: Int { max(1, min(Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))), 8)) }
