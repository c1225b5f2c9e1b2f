// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "civlink",
    products: [
        .executable(name: "civlink", targets: ["civlink"]),
        .library(name: "CivlinkCore", targets: ["CivlinkCore"]),
    ],
    targets: [
        .systemLibrary(
            name: "CSQLite",
            pkgConfig: "sqlite3",
            providers: [.apt(["libsqlite3-dev"])]
        ),
        // OpenSSL's headers only: the libraries are loaded on first use (COpenSSLLoader), so no
        // pkg-config here, whose flags would link them at start-up.
        .systemLibrary(
            name: "CCrypto",
            providers: [.apt(["libssl-dev"])]
        ),
        // libssl for the HTTPS client (Transfer/HTTP). Beside CCrypto both modules may be imported
        // in one file: they include the same OpenSSL headers and the declarations merge.
        .systemLibrary(
            name: "CTLS",
            providers: [.apt(["libssl-dev"])]
        ),
        // libcrypto and libssl loaded on first use instead of at start-up: a trampoline per
        // OpenSSL function (symbols.def). The modules above declare them and link nothing.
        .target(
            name: "COpenSSLLoader",
            exclude: ["symbols.def"],
            linkerSettings: [.linkedLibrary("dl")]
        ),
        // Every rule: no exit codes, no option names, no shell commands in its messages.
        .target(
            name: "CivlinkCore",
            dependencies: ["CSQLite", "CCrypto", "CTLS", "COpenSSLLoader"]
        ),
        // The command line: the command table, options, output, messages in English and
        // Vietnamese, and the one mapping from failure kinds to exit codes.
        .target(
            name: "CivlinkCLI",
            dependencies: ["CivlinkCore"]
        ),
        .executableTarget(
            name: "civlink",
            dependencies: ["CivlinkCLI"]
        ),
        // Fixtures shared by the test targets: sandboxes, processes, declarations, ledgers.
        .target(
            name: "CivlinkTestSupport",
            dependencies: ["CivlinkCore"],
            path: "Tests/CivlinkTestSupport"
        ),
        .testTarget(
            name: "CivlinkCoreTests",
            dependencies: ["CivlinkCore", "CivlinkTestSupport"]
        ),
        .testTarget(
            name: "CivlinkCLITests",
            dependencies: ["CivlinkCLI", "CivlinkTestSupport"]
        ),
        .testTarget(
            name: "CivlinkE2ETests",
            dependencies: ["civlink", "CivlinkTestSupport"]
        ),
        .testTarget(
            name: "CivlinkReliabilityTests",
            dependencies: ["civlink", "CivlinkTestSupport"]
        ),
    ]
)
