// SigV4SignerTests — the signer against the AWS SigV4 test-suite vectors and botocore as oracle.
import Foundation
import Testing

@testable import TrustlineAWS

@Suite struct SigV4SignerTests {
    let suiteCredentials = AWSCredentials(accessKeyId: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")
    let suiteDate = Date(timeIntervalSince1970: 1_440_938_160)  // 2015-08-30T12:36:00Z

    func authorization(_ request: HTTPRequest, region: String = "us-east-1", service: String = "service", credentials: AWSCredentials? = nil) -> String {
        var signed = request
        SigV4Signer(credentials: credentials ?? suiteCredentials, region: region, service: service).sign(&signed, at: suiteDate)
        return signed.header("Authorization") ?? ""
    }

    @Test func amzDateFormat() {
        #expect(SigV4Signer.amzDate(suiteDate) == "20150830T123600Z")
    }

    /// The arithmetic date against Foundation's calendar, over leap days, century years, the
    /// epoch, times before it, and fractions of a second (truncated, never rounded up).
    @Test func amzDateMatchesCalendar() {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(secondsFromGMT: 0) ?? calendar.timeZone
        func reference(_ date: Date) -> String {
            let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
            return String(format: "%04d%02d%02dT%02d%02d%02dZ", c.year ?? 0, c.month ?? 0, c.day ?? 0, c.hour ?? 0, c.minute ?? 0, c.second ?? 0)
        }
        var moments: [Double] = [0, -1, -86_400, -86_401, 0.999, 59.9999, 951_782_400, 951_868_799.5, 4_107_542_400, 13_574_563_200]
        var seed: UInt64 = 42
        for _ in 0..<2_000 {
            seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            moments.append(Double(seed >> 20) / Double(UInt64(1) << 44) * 8_000_000_000 - 1_000_000_000)
        }
        for moment in moments {
            let date = Date(timeIntervalSince1970: moment)
            #expect(SigV4Signer.amzDate(date) == reference(date), "at \(moment)")
        }
    }

    /// aws-sig-v4-test-suite `get-vanilla`.
    @Test func getVanilla() throws {
        let request = HTTPRequest(method: "GET", url: try #require(URL(string: "https://example.amazonaws.com/")))
        #expect(
            authorization(request)
                == "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"
        )
    }

    /// The canonical headers as the suite's `get-header-key-duplicate` and `get-header-value-trim`
    /// define them: names lower-cased and sorted, a repeated name's values joined by commas in the
    /// order sent, values trimmed and inner runs of blanks made one space; path and query kept.
    @Test func canonicalHeadersTrimJoinAndSort() throws {
        let request = HTTPRequest(
            method: "post", url: try #require(URL(string: "https://example.amazonaws.com/a/b?x=1&a=2")),
            headers: [
                (name: "My-Header1", value: "value2"), (name: "X-Amz-Date", value: "20150830T123600Z"),
                (name: "my-header1", value: "value2"), (name: "MY-HEADER1", value: " value1 "),
                (name: "My-Header2", value: "\"a   b \t c\""), (name: "Host", value: "example.amazonaws.com"),
                (name: "My-Header3", value: "\tplain"), (name: "Empty", value: ""),
            ])
        let (canonical, signed) = SigV4Signer.canonicalRequest(request, payloadHash: "HASH")
        #expect(signed == "empty;host;my-header1;my-header2;my-header3;x-amz-date")
        #expect(
            canonical == """
                POST
                /a/b
                a=2&x=1
                empty:
                host:example.amazonaws.com
                my-header1:value2,value2,value1
                my-header2:"a b c"
                my-header3:plain
                x-amz-date:20150830T123600Z

                empty;host;my-header1;my-header2;my-header3;x-amz-date
                HASH
                """)
        let bare = HTTPRequest(method: "GET", url: try #require(URL(string: "https://example.amazonaws.com")))
        #expect(SigV4Signer.canonicalRequest(bare, payloadHash: "H").0 == "GET\n/\n\n\n\nH")
    }

    /// The IAM `ListUsers` example of the SigV4 documentation.
    @Test func iamListUsersExample() throws {
        let request = HTTPRequest(
            method: "GET", url: try #require(URL(string: "https://iam.amazonaws.com/?Action=ListUsers&Version=2010-05-08")),
            headers: [(name: "Content-Type", value: "application/x-www-form-urlencoded; charset=utf-8")])
        #expect(
            authorization(request, service: "iam")
                == "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/iam/aws4_request, SignedHeaders=content-type;host;x-amz-date, Signature=5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7"
        )
    }

    @Test func addsSessionTokenAndDate() throws {
        var request = HTTPRequest(
            method: "POST", url: try #require(URL(string: "https://sts.us-east-1.amazonaws.com/")), body: Data("Action=GetCallerIdentity".utf8))
        SigV4Signer(credentials: testCredentials, region: "us-east-1", service: "sts").sign(&request, at: suiteDate)
        #expect(request.header("X-Amz-Security-Token") == "tokenTEST")
        #expect(request.header("X-Amz-Date") == "20150830T123600Z")
        #expect(request.header("Host") == "sts.us-east-1.amazonaws.com")
        let auth = try #require(request.header("Authorization"))
        #expect(auth.contains("SignedHeaders=host;x-amz-date;x-amz-security-token"))
        #expect(!auth.contains("secretTEST"))
    }

    @Test func signingTwiceReplacesTheOldSignature() throws {
        var request = HTTPRequest(method: "POST", url: try #require(URL(string: "https://sts.us-east-1.amazonaws.com/")), body: Data("a=b".utf8))
        let signer = SigV4Signer(credentials: testCredentials, region: "us-east-1", service: "sts")
        signer.sign(&request, at: suiteDate)
        let first = request.header("Authorization")
        signer.sign(&request, at: suiteDate)
        #expect(request.headers.filter { $0.name == "Authorization" }.count == 1)
        #expect(request.header("Authorization") == first)
    }

    @Test func percentEncodingKeepsOnlyUnreserved() {
        #expect(SigV4Signer.percentEncode("aZ09-_.~") == "aZ09-_.~")
        #expect(SigV4Signer.percentEncode("a b+c/d=e&f") == "a%20b%2Bc%2Fd%3De%26f")
        #expect(SigV4Signer.percentEncode("é") == "%C3%A9")
        #expect(SigV4Signer.percentEncode("{\"*\"}") == "%7B%22%2A%22%7D")
    }

    @Test(arguments: [
        ("/", "/"), ("", "/"), ("/a/./b", "/a/b"), ("/a/../b", "/b"), ("/a/b/", "/a/b/"), ("/a%20b", "/a%2520b"),
    ])
    func canonicalPaths(input: String, expected: String) {
        #expect(SigV4Signer.canonicalPath(input) == expected)
    }

    @Test func canonicalQuerySortsAndEncodes() {
        #expect(SigV4Signer.canonicalQuery("b=2&a=1&a=0") == "a=0&a=1&b=2")
        #expect(SigV4Signer.canonicalQuery("x=a%20b") == "x=a%20b")
        #expect(SigV4Signer.canonicalQuery(nil) == "")
    }

    struct OracleCase: Codable {
        var method: String
        var url: String
        var headers: [[String]]
        var body: String
        var region: String
        var service: String
        var token: String?
    }

    /// Requests like the ones trustline sends, signed by botocore and by us: the same header.
    @Test func agreesWithBotocore() throws {
        let cases: [OracleCase] = [
            OracleCase(
                method: "POST", url: "https://sts.us-east-1.amazonaws.com/", headers: [["Content-Type", "application/x-www-form-urlencoded; charset=utf-8"]],
                body: "Action=GetCallerIdentity&Version=2011-06-15", region: "us-east-1", service: "sts", token: nil),
            OracleCase(
                method: "POST", url: "https://iam.amazonaws.com/", headers: [["Content-Type", "application/x-www-form-urlencoded; charset=utf-8"]],
                body: "Action=GetRole&Version=2010-05-08&RoleName=cdk-hnb659fds-deploy-role-222222222222-us-east-1", region: "us-east-1", service: "iam",
                token: "FQoGZXIvYXdzE%2F+token=="),
            OracleCase(
                method: "POST", url: "http://127.0.0.1:5000/", headers: [["Content-Type", "application/x-www-form-urlencoded; charset=utf-8"]],
                body: "Action=DescribeStacks&Version=2010-05-15&StackName=CDKToolkit", region: "eu-west-1", service: "cloudformation", token: "tok"),
            OracleCase(
                method: "POST", url: "https://iam.cn-north-1.amazonaws.com.cn/",
                headers: [["Content-Type", "application/x-www-form-urlencoded; charset=utf-8"], ["X-Custom", "  a   b  "]],
                body: "Action=ListRoles&Version=2010-05-08&Marker=abc%2Bdef", region: "cn-north-1", service: "iam", token: nil),
            OracleCase(
                method: "GET", url: "https://example.amazonaws.com/path/to/x?b=2&a=1", headers: [], body: "", region: "us-gov-west-1", service: "service",
                token: nil),
        ]
        let oracle = try runOracle(cases)
        #expect(oracle.count == cases.count)
        for (index, item) in cases.enumerated() {
            var request = HTTPRequest(
                method: item.method, url: try #require(URL(string: item.url)),
                headers: item.headers.map { (name: $0[0], value: $0[1]) }, body: Data(item.body.utf8))
            var credentials = suiteCredentials
            credentials.sessionToken = item.token
            SigV4Signer(credentials: credentials, region: item.region, service: item.service).sign(&request, at: suiteDate)
            #expect(request.header("Authorization") == oracle[index], "case \(index): \(item.url)")
        }
    }

    private func runOracle(_ cases: [OracleCase]) throws -> [String] {
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Oracle/sigv4_oracle.py")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", script.path]
        let input = Pipe()
        let output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        try process.run()
        input.fileHandleForWriting.write(try JSONEncoder().encode(cases))
        try input.fileHandleForWriting.close()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        try #require(process.terminationStatus == 0, "botocore oracle failed (is botocore installed? scripts/test installs it)")
        return try JSONDecoder().decode([String].self, from: data)
    }
}
