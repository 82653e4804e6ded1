// CurlHTTPClientTests — the real libcurl client against a loopback socket that misbehaves: a
// stalled answer is cancelled (the socket really closes) or times out, an oversized or truncated
// body is refused, and through QueryClient the failure names the call and the attempts made.
import Foundation
import Testing

@testable import TrustlineAWS

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A one-port TCP server on 127.0.0.1 that reads each request and then answers as told.
final class LoopbackServer: @unchecked Sendable {
    enum Behaviour: Sendable {
        /// Read the request, then send nothing, ever, until the client hangs up.
        case neverAnswer
        /// Read the request, send these bytes, close.
        case raw(Data)
        /// Read the request, then close with a TCP reset.
        case reset
    }

    let port: UInt16
    private let listener: Int32
    private let behaviour: Behaviour
    private let lock = NSLock()
    private var accepted = 0
    private var hangUpTimes: [Date] = []
    private var clients: Set<Int32> = []
    private var stopped = false

    init(_ behaviour: Behaviour) throws {
        self.behaviour = behaviour
        #if canImport(Glibc)
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
            let fd = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        guard fd >= 0 else { throw POSIXError(.EIO) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(fd, 16) == 0 else {
            close(fd)
            throw POSIXError(.EADDRINUSE)
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        listener = fd
        port = UInt16(bigEndian: address.sin_port)
        let thread = Thread { [self] in acceptLoop() }
        thread.start()
    }

    deinit { stop() }

    var url: URL {
        var components = URLComponents()
        components.scheme = "http"
        components.host = "127.0.0.1"
        components.port = Int(port)
        components.path = "/"
        return components.url ?? URL(fileURLWithPath: "/dev/null")
    }

    /// Connections accepted so far.
    var connections: Int { lock.withLock { accepted } }
    /// Connections the client closed while the server was still holding them.
    var clientHangUps: Int { lock.withLock { hangUpTimes.count } }
    /// When the client hung up, each time (taken on the server's thread).
    var hangUps: [Date] { lock.withLock { hangUpTimes } }

    /// Stops accepting and hangs up on every open connection. File descriptors are closed only by
    /// the threads that own them (under the lock), so a number reused elsewhere is never touched.
    func stop() {
        lock.withLock {
            guard !stopped else { return }
            stopped = true
            shutdown(listener, Int32(SHUT_RDWR))
            for fd in clients { shutdown(fd, Int32(SHUT_RDWR)) }
        }
    }

    /// Waits (polling) until `condition` holds or `seconds` pass. Generous by default: when the
    /// whole suite runs, Swift's cooperative pool can be busy for seconds before a task even starts.
    func wait(seconds: Double = 60, until condition: () -> Bool) async -> Bool {
        let end = Date().addingTimeInterval(seconds)
        while Date() < end {
            if condition() { return true }
            try? await Task.sleep(nanoseconds: 20_000_000)
        }
        return condition()
    }

    private func acceptLoop() {
        defer { close(listener) }
        while true {
            let client = accept(listener, nil, nil)
            let keep = lock.withLock { () -> Bool in
                if stopped || client < 0 { return false }
                accepted += 1
                clients.insert(client)
                return true
            }
            guard keep else {
                if client >= 0 { close(client) }
                if client < 0 && errno == EINTR && !lock.withLock({ stopped }) { continue }
                return
            }
            let thread = Thread { [self] in serve(client) }
            thread.start()
        }
    }

    private func serve(_ client: Int32) {
        defer {
            lock.withLock {
                clients.remove(client)
                close(client)
            }
        }
        readRequest(client)
        switch behaviour {
        case .neverAnswer:
            var byte: UInt8 = 0
            while true {
                let count = recv(client, &byte, 1, 0)
                if count == 0 || (count < 0 && errno != EINTR) { break }
            }
            let now = Date()
            lock.withLock { if !stopped { hangUpTimes.append(now) } }
        case .raw(let data):
            data.withUnsafeBytes { raw in
                guard let base = raw.baseAddress else { return }
                var offset = 0
                while offset < raw.count {
                    let sent = send(client, base + offset, raw.count - offset, Int32(MSG_NOSIGNAL))
                    if sent <= 0 { break }
                    offset += sent
                }
            }
            shutdown(client, Int32(SHUT_WR))
            var sink = [UInt8](repeating: 0, count: 4096)
            while recv(client, &sink, sink.count, 0) > 0 {}
        case .reset:
            var abort = linger(l_onoff: 1, l_linger: 0)
            setsockopt(client, SOL_SOCKET, SO_LINGER, &abort, socklen_t(MemoryLayout<linger>.size))
        }
    }

    /// Reads the head and a Content-Length body (enough for the client's small POSTs).
    private func readRequest(_ client: Int32) {
        var received = Data()
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = recv(client, &buffer, buffer.count, 0)
            if count <= 0 { return }
            received.append(contentsOf: buffer[0..<count])
            guard let end = received.range(of: Data("\r\n\r\n".utf8)) else { continue }
            let head = String(decoding: received[..<end.lowerBound], as: UTF8.self).lowercased()
            let length =
                head.split(separator: "\r\n").first { $0.hasPrefix("content-length:") }
                .flatMap { Int($0.dropFirst("content-length:".count).trimmingCharacters(in: .whitespaces)) } ?? 0
            if received.count - end.upperBound >= length { return }
        }
    }
}

func httpResponse(_ head: String, body: Data) -> Data {
    Data(head.replacingOccurrences(of: "\n", with: "\r\n").utf8) + body
}

@Suite struct CurlHTTPClientTests {
    func post(_ url: URL, timeout: Double? = nil) -> HTTPRequest {
        HTTPRequest(
            method: "POST", url: url, headers: [(name: "Content-Type", value: "application/x-www-form-urlencoded")],
            body: Data("Action=GetCallerIdentity".utf8), timeout: timeout)
    }

    @Test func cancellingTheTaskAbortsAStalledTransfer() async throws {
        let server = try LoopbackServer(.neverAnswer)
        defer { server.stop() }
        var configuration = CurlHTTPClient.Configuration()
        configuration.totalTimeout = 120  // only cancellation can end this quickly
        configuration.lowSpeedTime = 120
        let client = CurlHTTPClient(configuration: configuration)
        let request = post(server.url)
        let task = Task { try await client.send(request) }
        #expect(await server.wait { server.connections == 1 })
        let cancelled = Date()
        task.cancel()
        await #expect(throws: CancellationError.self) { _ = try await task.value }
        // libcurl really let go of the connection: the server sees the hang-up, at once (both
        // times are wall-clock, taken on threads of their own, not on the busy Swift pool).
        #expect(await server.wait { server.clientHangUps == 1 })
        let hangUp = try #require(server.hangUps.first)
        #expect(hangUp.timeIntervalSince(cancelled) < 5)
    }

    @Test func aTaskCancelledBeforeSendingNeverConnects() async throws {
        let server = try LoopbackServer(.neverAnswer)
        defer { server.stop() }
        let client = CurlHTTPClient()
        let request = post(server.url)
        let task = Task<HTTPResponse, Error> {
            withUnsafeCurrentTask { $0?.cancel() }
            return try await client.send(request)
        }
        await #expect(throws: CancellationError.self) { _ = try await task.value }
        try await Task.sleep(nanoseconds: 200_000_000)
        #expect(server.connections == 0)
    }

    @Test func aStalledTransferTimesOut() async throws {
        let server = try LoopbackServer(.neverAnswer)
        defer { server.stop() }
        do {
            _ = try await CurlHTTPClient().send(post(server.url, timeout: 0.5))
            Issue.record("expected a timeout")
        } catch let error as TransportError {
            #expect(error.kind == .timedOut)
            #expect(error.isTransient)
            #expect(error.host == "127.0.0.1")
            // The request's own timeout fired, not the 15 s low-speed limit.
            #expect(error.detail.contains("timed out after 5"), "\(error.detail)")
        }
        #expect(await server.wait { server.clientHangUps == 1 })
    }

    @Test(arguments: [false, true])
    func aBodyOverTheCapIsRefused(chunked: Bool) async throws {
        let body = Data(repeating: UInt8(ascii: "x"), count: 64 * 1024)
        let response =
            chunked
            ? httpResponse(
                "HTTP/1.1 200 OK\nContent-Type: text/xml\nTransfer-Encoding: chunked\n\n", body: Data("10000\r\n".utf8) + body + Data("\r\n0\r\n\r\n".utf8))
            : httpResponse("HTTP/1.1 200 OK\nContent-Type: text/xml\nContent-Length: \(body.count)\n\n", body: body)
        let server = try LoopbackServer(.raw(response))
        defer { server.stop() }
        var configuration = CurlHTTPClient.Configuration()
        configuration.maxBodySize = 16 * 1024
        do {
            _ = try await CurlHTTPClient(configuration: configuration).send(post(server.url))
            Issue.record("expected the body to be refused")
        } catch let error as TransportError {
            #expect(error.kind == .bodyTooLarge)
            #expect(!error.isTransient)
            #expect(error.errorDescription?.contains("response body over the size limit") == true)
        }
    }

    @Test func aBodyAtTheCapIsAccepted() async throws {
        let body = Data(repeating: UInt8(ascii: "x"), count: 16 * 1024)
        let server = try LoopbackServer(.raw(httpResponse("HTTP/1.1 200 OK\nContent-Length: \(body.count)\n\n", body: body)))
        defer { server.stop() }
        var configuration = CurlHTTPClient.Configuration()
        configuration.maxBodySize = 16 * 1024
        let response = try await CurlHTTPClient(configuration: configuration).send(post(server.url))
        #expect(response.status == 200)
        #expect(response.body == body)
    }

    @Test func aTruncatedBodyIsATransientFailureOfItsOwn() async throws {
        let server = try LoopbackServer(.raw(httpResponse("HTTP/1.1 200 OK\nContent-Length: 100\n\n", body: Data("<Partial".utf8))))
        defer { server.stop() }
        do {
            _ = try await CurlHTTPClient().send(post(server.url))
            Issue.record("expected a failure")
        } catch let error as TransportError {
            #expect(error.kind == .truncated)
            #expect(error.isTransient)
            #expect(error.localizedDescription.contains("response cut short"), "\(error.localizedDescription)")
        }
    }

    @Test func aResetIsAConnectionFailure() async throws {
        let server = try LoopbackServer(.reset)
        defer { server.stop() }
        do {
            _ = try await CurlHTTPClient().send(post(server.url))
            Issue.record("expected a failure")
        } catch let error as TransportError {
            #expect(error.kind == .connectionReset)
        }
    }

    @Test func theTimeoutComesFromTheEnvironment() throws {
        #expect(try CurlHTTPClient.Configuration(environment: [:]).totalTimeout == 30)
        let short = try CurlHTTPClient.Configuration(environment: ["TRUSTLINE_HTTP_TIMEOUT": "2.5"])
        #expect(short.totalTimeout == 2.5)
        #expect(short.connectTimeout == 2.5)
        let long = try CurlHTTPClient.Configuration(environment: ["TRUSTLINE_HTTP_TIMEOUT": " 90 "])
        #expect(long.totalTimeout == 90)
        #expect(long.connectTimeout == 5)
        for bad in ["", "0", "-1", "abc", "nan", "inf", "4000"] {
            #expect(throws: HTTPConfigurationError.self, "\(bad)") {
                try CurlHTTPClient.Configuration(environment: ["TRUSTLINE_HTTP_TIMEOUT": bad])
            }
        }
    }
}

/// QueryClient over the real client: what a caller finally sees when the network misbehaves.
@Suite struct CurlHTTPClientQueryTests {
    func client(_ server: LoopbackServer, totalTimeout: Double = 30, credentials: CredentialProvider? = nil) -> QueryClient {
        var configuration = CurlHTTPClient.Configuration()
        configuration.totalTimeout = totalTimeout
        return QueryClient(
            http: CurlHTTPClient(configuration: configuration), credentials: credentials ?? StaticCredentialProvider(testCredentials),
            region: "us-east-1", endpoints: EndpointResolver(environment: ["AWS_ENDPOINT_URL": "http://127.0.0.1:\(server.port)"]),
            environment: testEnvironment())
    }

    @Test func aTimeoutNamesTheCallAndTheAttempts() async throws {
        let server = try LoopbackServer(.neverAnswer)
        defer { server.stop() }
        do {
            _ = try await STS(client: client(server, totalTimeout: 0.3)).getCallerIdentity()
            Issue.record("expected a failure")
        } catch let error as QueryTransportError {
            #expect(error.attempts == 3)
            #expect(error.underlying.kind == .timedOut, "\(error)")
            #expect(error.errorDescription?.hasPrefix("sts GetCallerIdentity failed: timed out after 3 attempts") == true, "\(error)")
        }
        #expect(server.connections == 3)
    }

    @Test func anOversizedBodyIsNotRetried() async throws {
        let body = Data(repeating: UInt8(ascii: " "), count: 17 << 20)
        let server = try LoopbackServer(.raw(httpResponse("HTTP/1.1 200 OK\nContent-Length: \(body.count)\n\n", body: body)))
        defer { server.stop() }
        do {
            _ = try await STS(client: client(server)).getCallerIdentity()
            Issue.record("expected a failure")
        } catch let error as QueryTransportError {
            #expect(error.attempts == 1)
            #expect(error.errorDescription?.contains("sts GetCallerIdentity failed: response body over the size limit after 1 attempt") == true)
        }
        #expect(server.connections == 1)
    }

    @Test func cancellingAQueryStopsItsRetries() async throws {
        let server = try LoopbackServer(.neverAnswer)
        defer { server.stop() }
        let query = client(server)
        let task = Task { try await STS(client: query).getCallerIdentity() }
        #expect(await server.wait { server.connections == 1 })
        task.cancel()
        await #expect(throws: CancellationError.self) { _ = try await task.value }
        try await Task.sleep(nanoseconds: 300_000_000)
        #expect(server.connections == 1)
    }

    /// A provider whose fetch fails the way an exhausted AssumeRole does, counting its calls.
    final class FailingProvider: CredentialProvider, @unchecked Sendable {
        private let lock = NSLock()
        private var count = 0
        var calls: Int { lock.withLock { count } }
        func credentials() async throws -> AWSCredentials {
            lock.withLock { count += 1 }
            throw AWSServiceError(service: "sts", action: "AssumeRole", code: "Throttling", message: "Rate exceeded", httpStatus: 400, requestId: nil)
        }
    }

    @Test func aCredentialFailureIsNotRetriedAgainByTheCall() async throws {
        // The provider's own STS client already made its three attempts: the call that needed
        // the credentials must not multiply them.
        let provider = FailingProvider()
        let http = FakeHTTPClient(responses: [.success(xmlResponse(Fixture.getCallerIdentity))])
        let query = QueryClient(
            http: http, credentials: provider, region: "us-east-1", endpoints: EndpointResolver(environment: [:]), environment: testEnvironment())
        do {
            _ = try await STS(client: query).getCallerIdentity()
            Issue.record("expected a failure")
        } catch let error as AWSServiceError {
            #expect(error.action == "AssumeRole")
            #expect(error.code == "Throttling")
        }
        #expect(provider.calls == 1)
        #expect(http.requests.isEmpty)
    }
}
