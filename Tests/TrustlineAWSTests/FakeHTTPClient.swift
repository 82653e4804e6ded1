// FakeHTTPClient — an in-memory HTTPClient for unit tests: scripted answers, recorded requests.
import Foundation
import TrustlineAWS

/// Answers each request with the result of `handler`, recording every request it saw.
final class FakeHTTPClient: HTTPClient, @unchecked Sendable {
    typealias Handler = @Sendable (HTTPRequest, Int) throws -> HTTPResponse
    private let lock = NSLock()
    private var recorded: [HTTPRequest] = []
    private let handler: Handler

    init(_ handler: @escaping Handler) {
        self.handler = handler
    }

    /// Answers the given responses in turn (the last one repeats).
    convenience init(responses: [Result<HTTPResponse, TransportError>]) {
        self.init { _, index in try responses[min(index, responses.count - 1)].get() }
    }

    var requests: [HTTPRequest] {
        lock.lock()
        defer { lock.unlock() }
        return recorded
    }

    func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        let index = lock.withLock {
            recorded.append(request)
            return recorded.count - 1
        }
        return try handler(request, index)
    }
}

extension HTTPRequest {
    /// The form body's parameters, decoded.
    var formParameters: [String: String] {
        var out: [String: String] = [:]
        for pair in String(decoding: body, as: UTF8.self).split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1).map { String($0).removingPercentEncoding ?? String($0) }
            out[parts[0]] = parts.count > 1 ? parts[1] : ""
        }
        return out
    }
}

func xmlResponse(_ body: String, status: Int = 200) -> HTTPResponse {
    HTTPResponse(status: status, headers: ["content-type": "text/xml"], body: Data(body.utf8))
}

/// A client environment that never sleeps and records the waits it was asked for.
final class RecordedWaits: @unchecked Sendable {
    private let lock = NSLock()
    private var waits: [Double] = []
    var all: [Double] {
        lock.lock()
        defer { lock.unlock() }
        return waits
    }
    func append(_ value: Double) {
        lock.lock()
        waits.append(value)
        lock.unlock()
    }
}

func testEnvironment(waits: RecordedWaits = RecordedWaits(), random: Double = 0.5, now: Date = Date(timeIntervalSince1970: 1_800_000_000)) -> ClientEnvironment
{
    ClientEnvironment(now: { now }, sleep: { waits.append($0) }, random: { random })
}

let testCredentials = AWSCredentials(accessKeyId: "AKIDTEST", secretAccessKey: "secretTEST/xyz", sessionToken: "tokenTEST")
