// swift-tools-version:6.0
// trustline's libFuzzer targets: one executable per parser, built only by scripts/fuzz
// (`-sanitize=fuzzer,address -parse-as-library`), never by the main package's build or tests.
import PackageDescription

let package = Package(
    name: "trustline-fuzz",
    dependencies: [
        .package(name: "trustline", path: "..")
    ],
    targets: [
        // AWS Query XML: XMLDocumentParser.parse and AWSServiceError.decode.
        .executableTarget(name: "FuzzXML", dependencies: [.product(name: "TrustlineAWS", package: "trustline")]),
        // Trust policies: TrustPolicy(json:), evaluate/decision, enumerateTrust.
        .executableTarget(name: "FuzzTrustPolicy", dependencies: [.product(name: "TrustlineCore", package: "trustline")]),
        // Topology YAML: TopologyParser.parse(_:file:).
        .executableTarget(name: "FuzzTopology", dependencies: [.product(name: "TrustlineCore", package: "trustline")]),
        // `cdk bootstrap` argv (words split on NUL bytes): BootstrapCommandParser.parse.
        .executableTarget(name: "FuzzBootstrapArgv", dependencies: [.product(name: "TrustlineCore", package: "trustline")]),
    ]
)
