// swift-tools-version:6.0
// trustline — audits the trust between a CDK Pipelines account and the accounts it deploys to.
import PackageDescription

let package = Package(
    name: "trustline",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "trustline", targets: ["trustline"]),
        // Libraries for packages that build on trustline's layers (the fuzzers in Fuzz/ do).
        .library(name: "TrustlineAWS", targets: ["TrustlineAWS"]),
        .library(name: "TrustlineCore", targets: ["TrustlineCore"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
    ],
    targets: [
        // System libraries: headers and link flags come from pkg-config.
        .systemLibrary(
            name: "CCurl",
            pkgConfig: "libcurl",
            providers: [.apt(["libcurl4-openssl-dev"]), .brew(["curl"])]
        ),
        .systemLibrary(
            name: "CLibXML2",
            pkgConfig: "libxml-2.0",
            providers: [.apt(["libxml2-dev"]), .brew(["libxml2"])]
        ),
        // Typed, non-variadic wrappers around curl_easy_setopt/getinfo (Swift cannot call C variadics).
        .target(name: "CurlShim", dependencies: ["CCurl"]),

        // The AWS layer: transport, signing, credentials, Query requests, XML, retries. No CDK knowledge.
        .target(
            name: "TrustlineAWS",
            dependencies: [
                "CurlShim", "CLibXML2",
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        // The audit core: topology, trust-policy evaluation, checks, remediation. Pure values, no I/O.
        .target(name: "TrustlineCore", dependencies: [.product(name: "Yams", package: "Yams")]),

        // Report renderers: pure functions from an AuditReport to bytes (JSON, Markdown, shell, text).
        .target(name: "TrustlineReport", dependencies: ["TrustlineCore"]),
        // Discovery: reads each environment from AWS into snapshots (the only I/O of an audit).
        .target(name: "TrustlineDiscovery", dependencies: ["TrustlineAWS", "TrustlineCore"]),

        // The thin command-line front end.
        .executableTarget(
            name: "trustline",
            dependencies: [
                "TrustlineAWS", "TrustlineCore", "TrustlineReport", "TrustlineDiscovery",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),

        .testTarget(name: "TrustlineAWSTests", dependencies: ["TrustlineAWS"], exclude: ["Oracle"]),
        .testTarget(name: "TrustlineCoreTests", dependencies: ["TrustlineCore"]),
        .testTarget(name: "TrustlineReportTests", dependencies: ["TrustlineReport", "TrustlineCore"], exclude: ["Golden"]),
        .testTarget(name: "TrustlineDiscoveryTests", dependencies: ["TrustlineDiscovery", "TrustlineAWS", "TrustlineCore"]),
        .testTarget(name: "IntegrationTests", dependencies: ["TrustlineAWS", "TrustlineCore", "TrustlineReport"], exclude: ["Support"]),
    ]
)
