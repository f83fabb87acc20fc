internal import CCurl
import Synchronization

/// Owns the libcurl multi handle (freed with `curl_multi_cleanup`) that drives every transfer of one
/// `Fetcher`. Only the fetcher thread touches it; other threads reach it solely through `Waker`.
final class MultiHandle {
    let handle: UnsafeMutableRawPointer

    init?() {
        guard CurlGlobal.initialized, let handle = curl_multi_init() else { return nil }
        self.handle = handle
    }

    deinit { curl_multi_cleanup(handle) }

    func add(_ transfer: EasyTransfer) -> Bool {
        curl_multi_add_handle(handle, transfer.handle) == CURLM_OK
    }

    func remove(_ transfer: EasyTransfer) {
        curl_multi_remove_handle(handle, transfer.handle)
    }

    /// Moves every transfer forward as far as it can go without waiting.
    func perform() {
        var running: Int32 = 0
        curl_multi_perform(handle, &running)
    }

    /// Waits for socket activity, libcurl's own timers, `timeoutMilliseconds` or a `Waker` call.
    func poll(timeoutMilliseconds: Int) {
        curl_multi_poll(handle, nil, 0, Int32(clamping: timeoutMilliseconds), nil)
    }

    /// The transfers that ended since the last call, with libcurl's result for each.
    func finished() -> [(easy: UnsafeMutableRawPointer, result: CURLcode)] {
        var ended: [(easy: UnsafeMutableRawPointer, result: CURLcode)] = []
        var queued: Int32 = 0
        while let message = curl_multi_info_read(handle, &queued) {
            if message.pointee.msg == CURLMSG_DONE, let easy = message.pointee.easy_handle {
                ended.append((easy, message.pointee.data.result))
            }
        }
        return ended
    }
}

@available(*, unavailable)
extension MultiHandle: Sendable {}

/// Lets any thread interrupt the fetcher thread's `curl_multi_poll`.
///
/// libcurl documents `curl_multi_wakeup` as callable from any thread. The multi handle's address is kept as
/// an integer under a lock: the fetcher thread detaches it before `curl_multi_cleanup`, so a wakeup never
/// reaches a freed handle. Nothing else can be done with it from here.
final class Waker: Sendable {
    private let target = Mutex<UInt?>(nil)

    func attach(_ multi: MultiHandle) {
        let address = UInt(bitPattern: multi.handle)
        target.withLock { $0 = address }
    }

    func detach() {
        target.withLock { $0 = nil }
    }

    func wake() {
        target.withLock { address in
            if let address, let handle = UnsafeMutableRawPointer(bitPattern: address) {
                curl_multi_wakeup(handle)
            }
        }
    }
}
