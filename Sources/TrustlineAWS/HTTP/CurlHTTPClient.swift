// CurlHTTPClient — HTTP over libcurl's multi interface: one driver thread runs every transfer,
// waiting on their sockets with epoll through libcurl's socket interface (CurlEventLoop.c), so
// hundreds of requests can be in flight without blocking Swift's cooperative threads, and
// connections are pooled and reused by the multi handle.
import CCurl
import CurlShim
import Foundation

/// The production ``HTTPClient``: libcurl with hardened defaults.
///
/// - connect, total and low-speed timeouts; a cap on the response body (counted in the write
///   callback, so chunked bodies are capped too);
/// - `https` only, except for loopback endpoints (`http://127.0.0.1:…`, used by emulators);
/// - TLS peer and host verification always on; no redirects; `NOSIGNAL`;
/// - proxies from the usual environment variables (`https_proxy`, `no_proxy`…), loopback never proxied;
/// - never verbose: libcurl's verbose output would print `Authorization` and session tokens.
public final class CurlHTTPClient: HTTPClient, @unchecked Sendable {
    public struct Configuration: Sendable {
        /// Seconds allowed to establish a connection.
        public var connectTimeout: Double = 5
        /// Seconds allowed for a whole transfer, when the request names none.
        public var totalTimeout: Double = 30
        /// A transfer slower than `lowSpeedLimit` bytes/s for `lowSpeedTime` seconds is aborted.
        public var lowSpeedLimit: Int = 1
        public var lowSpeedTime: Int = 15
        /// Largest response body accepted, in bytes.
        public var maxBodySize: Int = 16 << 20
        /// Connections open at once, over all hosts.
        public var maxConnections: Int = 64
        public var userAgent: String = "trustline"

        public init() {}

        /// The defaults, with the total timeout taken from `TRUSTLINE_HTTP_TIMEOUT` (seconds) when
        /// it is set: an operator's knob for slow links, and what lets tests of stalled answers
        /// finish in seconds. The connect timeout never exceeds the total one.
        /// - Throws: ``HTTPConfigurationError`` when the variable is not a positive number.
        public init(environment: [String: String]) throws {
            self.init()
            if let raw = environment[Self.timeoutVariable] {
                let text = raw.trimmingCharacters(in: .whitespaces)
                guard let seconds = Double(text), seconds.isFinite, seconds > 0, seconds <= 3600 else {
                    throw HTTPConfigurationError(variable: Self.timeoutVariable, value: raw, expected: "a positive number of seconds, at most 3600")
                }
                totalTimeout = seconds
                connectTimeout = min(connectTimeout, seconds)
            }
        }

        /// The environment variable read by ``init(environment:)``.
        public static let timeoutVariable = "TRUSTLINE_HTTP_TIMEOUT"
    }

    private let engine: Engine

    public init(configuration: Configuration = Configuration()) {
        engine = Engine(configuration: configuration)
    }

    deinit {
        engine.shutdown()
    }

    public func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        let transfer = Transfer(request: request)
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                transfer.continuation = continuation
                engine.submit(transfer)
            }
        } onCancel: {
            engine.cancel(transfer)
        }
    }
}

/// A setting of the HTTP client that cannot be used.
public struct HTTPConfigurationError: Error, LocalizedError, Sendable, Equatable {
    public let variable: String
    public let value: String
    public let expected: String

    public var errorDescription: String? { "\(variable)=\(value) is not valid: expected \(expected)" }
}

// MARK: - One transfer

private final class Transfer: @unchecked Sendable {
    let request: HTTPRequest
    var continuation: CheckedContinuation<HTTPResponse, Error>?
    var body = Data()
    var headers: [String: String] = [:]
    var maxBodySize = 0
    var bodyTooLarge = false
    var cancelled = false
    var headerList: UnsafeMutablePointer<curl_slist>?
    let errorBuffer = UnsafeMutablePointer<CChar>.allocate(capacity: Int(CURL_ERROR_SIZE) + 1)

    init(request: HTTPRequest) {
        self.request = request
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
    }

    deinit {
        if let headerList { curl_slist_free_all(headerList) }
        errorBuffer.deallocate()
    }

    func finish(_ result: Result<HTTPResponse, Error>) {
        guard let continuation else { return }
        self.continuation = nil
        continuation.resume(with: result)
    }
}

private let writeCallback: tl_write_callback = { pointer, size, count, userdata in
    guard let pointer, let userdata else { return 0 }
    let transfer = Unmanaged<Transfer>.fromOpaque(userdata).takeUnretainedValue()
    let length = size * count
    if transfer.body.count + length > transfer.maxBodySize {
        transfer.bodyTooLarge = true
        return 0  // makes libcurl abort with CURLE_WRITE_ERROR
    }
    pointer.withMemoryRebound(to: UInt8.self, capacity: length) { transfer.body.append($0, count: length) }
    return length
}

private let headerCallback: tl_write_callback = { pointer, size, count, userdata in
    guard let pointer, let userdata else { return 0 }
    let transfer = Unmanaged<Transfer>.fromOpaque(userdata).takeUnretainedValue()
    let length = size * count
    pointer.withMemoryRebound(to: UInt8.self, capacity: length) { start in
        let line = UnsafeBufferPointer(start: start, count: length)
        if line.starts(with: "HTTP/".utf8) {
            transfer.headers = [:]  // a new response (after a 100 Continue): start over
        } else if let colon = line.firstIndex(of: UInt8(ascii: ":")) {
            let name = String(decoding: line[..<colon], as: UTF8.self).trimmingASCIIWhitespace.lowercased()
            transfer.headers[name] = String(decoding: line[(colon + 1)...], as: UTF8.self).trimmingASCIIWhitespace
        }
    }
    return length
}

// MARK: - The driver

private let curlGlobalInit: Bool = {
    curl_global_init(Int(CURL_GLOBAL_DEFAULT)) == CURLE_OK
}()

private final class Engine: @unchecked Sendable {
    private let configuration: Configuration
    private let multi: UnsafeMutableRawPointer?
    /// Waits on the transfers' sockets (epoll) and drives libcurl's socket interface.
    private let loop: OpaquePointer?
    private let lock = NSLock()
    private var pending: [Transfer] = []
    /// Cancellations since the driver last looked (it scans the active transfers only then).
    private var cancellations = 0
    private var stopping = false
    // Owned by the driver thread only:
    private var active: [UnsafeMutableRawPointer: Transfer] = [:]
    private var idleHandles: [UnsafeMutableRawPointer] = []
    private let noProxy: String

    typealias Configuration = CurlHTTPClient.Configuration

    init(configuration: Configuration) {
        _ = curlGlobalInit
        self.configuration = configuration
        let multi = curl_multi_init()
        self.multi = multi
        loop = multi.flatMap { tl_loop_create($0) }
        let environment = ProcessInfo.processInfo.environment
        let userNoProxy = environment["no_proxy"] ?? environment["NO_PROXY"] ?? ""
        noProxy = (["127.0.0.1", "localhost", "::1"] + (userNoProxy.isEmpty ? [] : [userNoProxy])).joined(separator: ",")
        if let multi {
            _ = tl_curl_multi_setopt_long(multi, CURLMOPT_MAX_TOTAL_CONNECTIONS, configuration.maxConnections)
            _ = tl_curl_multi_setopt_long(multi, CURLMOPT_MAXCONNECTS, configuration.maxConnections)
        }
        let thread = Thread { [self] in run() }
        thread.name = "trustline-curl"
        thread.start()
    }

    func submit(_ transfer: Transfer) {
        lock.lock()
        let refused = stopping || multi == nil || loop == nil
        if !refused { pending.append(transfer) }
        lock.unlock()
        if refused {
            transfer.finish(.failure(TransportError(kind: .other, host: transfer.request.url.host ?? "", detail: "HTTP client is shut down")))
            return
        }
        wake()
    }

    func cancel(_ transfer: Transfer) {
        lock.lock()
        transfer.cancelled = true
        cancellations += 1
        lock.unlock()
        wake()
    }

    func shutdown() {
        lock.lock()
        stopping = true
        lock.unlock()
        wake()
    }

    private func wake() {
        if let loop { tl_loop_wake(loop) }
    }

    private func run() {
        guard let multi, let loop else {
            if let multi { curl_multi_cleanup(multi) }
            return
        }
        while true {
            lock.lock()
            let incoming = pending.map { (transfer: $0, cancelled: $0.cancelled) }
            pending.removeAll()
            let stop = stopping
            let cancelled = cancellations > 0 ? active.filter { $0.value.cancelled } : [:]
            cancellations = 0
            lock.unlock()

            for (transfer, isCancelled) in incoming {
                if isCancelled {
                    transfer.finish(.failure(CancellationError()))
                } else {
                    start(transfer, on: multi)
                }
            }
            for (handle, transfer) in cancelled {
                finish(handle, transfer, on: multi, result: .failure(CancellationError()))
            }
            if stop && active.isEmpty { break }

            _ = tl_loop_run_once(loop, 1000)
            collectFinished(on: multi)
        }
        for handle in idleHandles { curl_easy_cleanup(handle) }
        idleHandles.removeAll()
        curl_multi_cleanup(multi)
        tl_loop_destroy(loop)
    }

    private func collectFinished(on multi: UnsafeMutableRawPointer) {
        var remaining: Int32 = 0
        while let message = curl_multi_info_read(multi, &remaining) {
            guard message.pointee.msg == CURLMSG_DONE, let handle = message.pointee.easy_handle,
                let transfer = active[handle]
            else { continue }
            let code = message.pointee.data.result
            let result: Result<HTTPResponse, Error>
            if code == CURLE_OK {
                var status = 0
                _ = tl_curl_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &status)
                result = .success(HTTPResponse(status: status, headers: transfer.headers, body: transfer.body))
            } else {
                result = .failure(transportError(code, transfer))
            }
            finish(handle, transfer, on: multi, result: result)
        }
    }

    private func finish(_ handle: UnsafeMutableRawPointer, _ transfer: Transfer, on multi: UnsafeMutableRawPointer, result: Result<HTTPResponse, Error>) {
        curl_multi_remove_handle(multi, handle)
        active[handle] = nil
        idleHandles.append(handle)
        transfer.finish(result)
    }

    private func start(_ transfer: Transfer, on multi: UnsafeMutableRawPointer) {
        let request = transfer.request
        let host = request.url.host ?? ""
        guard let scheme = request.url.scheme?.lowercased(), scheme == "https" || (scheme == "http" && request.url.isLoopback) else {
            transfer.finish(
                .failure(
                    TransportError(
                        kind: .protocolNotAllowed, host: host,
                        detail: "only https is allowed (http only for loopback endpoints)")))
            return
        }
        guard let handle = idleHandles.popLast() ?? curl_easy_init() else {
            transfer.finish(.failure(TransportError(kind: .other, host: host, detail: "curl_easy_init failed")))
            return
        }
        curl_easy_reset(handle)
        transfer.maxBodySize = configuration.maxBodySize
        let timeout = request.timeout ?? configuration.totalTimeout
        var ok = true
        func check(_ code: CURLcode) { if code != CURLE_OK { ok = false } }

        check(tl_curl_setopt_string(handle, CURLOPT_URL, request.url.absoluteString))
        check(tl_curl_set_protocols(handle, request.url.isLoopback ? 1 : 0))
        check(tl_curl_setopt_long(handle, CURLOPT_NOSIGNAL, 1))
        check(tl_curl_setopt_long(handle, CURLOPT_VERBOSE, 0))
        check(tl_curl_setopt_long(handle, CURLOPT_FOLLOWLOCATION, 0))
        check(tl_curl_setopt_long(handle, CURLOPT_SSL_VERIFYPEER, 1))
        check(tl_curl_setopt_long(handle, CURLOPT_SSL_VERIFYHOST, 2))
        check(tl_curl_setopt_long(handle, CURLOPT_CONNECTTIMEOUT_MS, Int(configuration.connectTimeout * 1000)))
        check(tl_curl_setopt_long(handle, CURLOPT_TIMEOUT_MS, Int(timeout * 1000)))
        check(tl_curl_setopt_long(handle, CURLOPT_LOW_SPEED_LIMIT, configuration.lowSpeedLimit))
        check(tl_curl_setopt_long(handle, CURLOPT_LOW_SPEED_TIME, configuration.lowSpeedTime))
        check(tl_curl_setopt_string(handle, CURLOPT_NOPROXY, noProxy))
        check(tl_curl_setopt_string(handle, CURLOPT_USERAGENT, configuration.userAgent))
        check(tl_curl_setopt_pointer(handle, CURLOPT_ERRORBUFFER, transfer.errorBuffer))

        if let list = transfer.headerList { curl_slist_free_all(list) }
        transfer.headerList = nil
        for header in request.headers {
            transfer.headerList = curl_slist_append(transfer.headerList, "\(header.name): \(header.value)")
        }
        // Suppress headers libcurl would add on its own ("Expect" with a value-less form is never sent).
        transfer.headerList = curl_slist_append(transfer.headerList, "Expect:")
        check(tl_curl_setopt_slist(handle, CURLOPT_HTTPHEADER, transfer.headerList))

        switch request.method.uppercased() {
        case "GET":
            check(tl_curl_setopt_long(handle, CURLOPT_HTTPGET, 1))
        case "POST":
            check(postFields(handle, request.body))
        default:
            check(tl_curl_setopt_string(handle, CURLOPT_CUSTOMREQUEST, request.method.uppercased()))
            check(postFields(handle, request.body))
        }
        let opaque = Unmanaged.passUnretained(transfer).toOpaque()
        check(tl_curl_setopt_write_callback(handle, writeCallback, opaque))
        check(tl_curl_setopt_header_callback(handle, headerCallback, opaque))

        guard ok, curl_multi_add_handle(multi, handle) == CURLM_OK else {
            idleHandles.append(handle)
            transfer.finish(.failure(TransportError(kind: .other, host: host, detail: "could not configure the transfer")))
            return
        }
        active[handle] = transfer
    }

    private func postFields(_ handle: UnsafeMutableRawPointer, _ body: Data) -> CURLcode {
        var bytes = [CChar](repeating: 0, count: body.count + 1)
        body.withUnsafeBytes { raw in
            for (index, byte) in raw.enumerated() { bytes[index] = CChar(bitPattern: byte) }
        }
        return tl_curl_setopt_postfields(handle, bytes, body.count)
    }

    private func transportError(_ code: CURLcode, _ transfer: Transfer) -> TransportError {
        let host = transfer.request.url.host ?? ""
        let buffered = String(cString: transfer.errorBuffer)
        let detail = buffered.isEmpty ? String(cString: curl_easy_strerror(code)) : buffered
        if transfer.bodyTooLarge {
            return TransportError(kind: .bodyTooLarge, host: host, detail: "more than \(configuration.maxBodySize) bytes")
        }
        let kind: TransportError.Kind
        switch code {
        case CURLE_COULDNT_CONNECT, CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY:
            kind = .connectFailed
        case CURLE_OPERATION_TIMEDOUT:
            kind = .timedOut
        case CURLE_PARTIAL_FILE:
            kind = .truncated
        case CURLE_RECV_ERROR, CURLE_SEND_ERROR, CURLE_GOT_NOTHING, CURLE_HTTP2, CURLE_HTTP2_STREAM:
            kind = .connectionReset
        case CURLE_UNSUPPORTED_PROTOCOL:
            kind = .protocolNotAllowed
        case CURLE_SSL_CONNECT_ERROR, CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CERTPROBLEM, CURLE_SSL_CIPHER,
            CURLE_SSL_CACERT_BADFILE, CURLE_SSL_ISSUER_ERROR, CURLE_SSL_PINNEDPUBKEYNOTMATCH, CURLE_SSL_INVALIDCERTSTATUS:
            kind = .tlsFailed
        default:
            kind = .other
        }
        return TransportError(kind: kind, host: host, detail: detail)
    }
}
