/// A readable, printable rendering of a signed certificate copy: the Birth Certificate extract
/// or the Death Certificate Extract with the facts it certifies, who signed it and when, and a
/// QR code that ties the paper to the electronic copy (`qrPayload`). The page is built from the
/// copy as signed (the JWS payload), never from the declaration, so it shows exactly what the
/// signature covers.
public enum CertificateCopyPage {
    /// What the QR code holds: a compact reference, not the copy. One line,
    /// `civlink-copy/1;dossier=ID;issue=N;signed=UTC;signature-sha256=HEX`: the dossier, the
    /// copy's issue number, the signing time and the SHA-256 of the signature bytes, which is
    /// what a verification of the electronic copy reports and what a revocation list names.
    public static func qrPayload(dossier: String, issue: Int, facts: Ledger.SignatureFacts) -> String {
        "civlink-copy/1;dossier=\(dossier);issue=\(issue);signed=\(JWS.utcText(facts.signedAt));signature-sha256=\(facts.signatureSHA256)"
    }

    /// The page of the signed document `document` (`civlink.signed-copy/1` text).
    public static func page(document: String, signature: Ledger.SignatureFacts, reference: ReferenceData, paper: HTMLPage.Paper) throws -> HTMLPage {
        let signed = try JSONReader.parse(document)
        guard let copy = signed["copy"], let kind = copy["document"]?.stringValue, let dossier = copy["dossier"]?.stringValue else {
            throw Failure(.ledgerCorrupt, "the stored signed copy has no copy member")
        }
        let e = HTMLPage.escape
        let birth = kind == "birth-certificate-extract"
        let issue = copy["issue"]?.intValue ?? 1
        let provinceCode = copy["province"]?.stringValue ?? ""
        let province = reference.provinces.byIDCode.values.first { $0.unit2025 == provinceCode }?.unit2025Name ?? provinceCode
        func value(_ json: JSON?, _ key: String) -> String { json?[key]?.stringValue ?? "" }
        func row(_ label: String, _ text: String, hash: Bool = false) -> String {
            text.isEmpty ? "" : "<tr><th>\(e(label))</th><td\(hash ? " class=\"hash\"" : "")>\(e(text))</td></tr>"
        }
        func date(_ text: String) -> String { CivilDate(text).map { "\(text) (\(HTMLPage.vietnameseDate($0)))" } ?? text }
        var rows: [String] = []
        if birth {
            let child = copy["child"]
            rows += [row("Full name", value(child, "full_name")), row("Sex", value(child, "sex")),
                      row("Date of birth", date(value(child, "date_of_birth"))), row("Place of birth", value(child, "place_of_birth")),
                      row("Ethnicity", value(child, "ethnicity")), row("Nationality", value(child, "nationality")),
                      row("Mother", value(copy["mother"], "full_name")), row("Father", value(copy["father"], "full_name"))]
        } else {
            let deceased = copy["deceased"], death = copy["death"]
            rows += [row("Full name", value(deceased, "full_name")), row("Sex", value(deceased, "sex")),
                      row("Date of birth", date(value(deceased, "date_of_birth"))), row("Date of death", date(value(death, "date"))),
                      row("Time of death", value(death, "time")), row("Place of death", value(death, "place"))]
        }
        let register = copy["register"]
        let registerText = "\(register?["book"]?.stringValue ?? "") register book \(register?["year"]?.intValue ?? 0), entry no. \(register?["number"]?.intValue ?? 0)"
        let registeredAt = copy["registered_at"]?.stringValue.flatMap(Timestamp.init).map { $0.shortDescription + " (UTC+7)" } ?? value(copy, "registered_at")
        let payload = qrPayload(dossier: dossier, issue: issue, facts: signature)
        let qr = try HTMLPage.qrCode(payload, label: "Reference of the signed electronic copy")
        let signer = [signature.officer, signature.role, signature.commune.map { "commune \($0)" }].compactMap { $0 }.joined(separator: ", ")
        let title = birth ? "Birth Certificate Extract" : "Death Certificate Extract"
        let body = """
        <header>
        <div class="issuer">Commune \(e(value(copy, "commune"))), \(e(province))<br>Civil status</div>
        <div class="motto">CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM<br><span class="u">Độc lập - Tự do - Hạnh phúc</span></div>
        </header>
        <h1>\(e(birth ? "TRÍCH LỤC KHAI SINH" : "TRÍCH LỤC KHAI TỬ"))<span class="en">\(e(title)) (electronic copy, issue \(issue))</span></h1>
        <table class="facts">
        \(rows.joined(separator: "\n"))
        \(row("Register", registerText))
        \(row("Registered", registeredAt))
        \(row("Dossier", dossier))
        </table>
        <h2>Electronic signature</h2>
        <div class="signature">
        <table class="facts">
        \(row("Signed by", signer))
        \(row("Signing time", signature.signedAt.shortDescription + " (UTC+7), " + JWS.utcText(signature.signedAt)))
        \(row("Certificate SHA-256", signature.certificateSHA256 ?? "", hash: true))
        \(row("Signature SHA-256", signature.signatureSHA256, hash: true))
        </table>
        <div class="qr">\(qr)</div>
        </div>
        <h2>Checking this paper</h2>
        <p>This paper renders an electronic copy signed by the officer named above; the paper itself carries no signature. \
        To check it, obtain the electronic copy (a civlink.signed-copy/1 file) from the commune or its holder and verify it \
        offline against the province's CA certificate and revocation list. The QR code holds the dossier, the issue, the \
        signing time (UTC) and the signature's SHA-256: they, and the facts above, must equal the verified copy's.</p>
        <p class="small">QR code text: <code>\(e(payload))</code></p>
        """
        let style = """
        header { display: flex; justify-content: space-between; gap: 6mm; text-align: center; font-weight: bold; }
        header .u { text-decoration: underline; }
        h1 { text-align: center; font-size: 1.6em; margin: \(paper == .a4 ? "8mm 0 5mm" : "4mm 0 3mm"); }
        h1 .en { display: block; font-size: 0.55em; font-weight: normal; margin-top: 1mm; }
        h2 { font-size: 1.1em; margin: \(paper == .a4 ? "5mm 0 2mm" : "3mm 0 1.5mm"); border-bottom: 0.3mm solid #000; }
        table.facts th { width: 38%; background: #f2f2f2; }
        .signature { display: flex; gap: 5mm; align-items: flex-start; }
        .signature table { flex: 1 1 auto; }
        .signature td { font-size: 0.85em; }
        .hash { font-family: "DejaVu Sans Mono", "Liberation Mono", monospace; font-size: 0.8em; }
        .qr { flex: 0 0 \(paper == .a4 ? 45 : 32)mm; width: \(paper == .a4 ? 45 : 32)mm; }
        p { margin: 1.5mm 0; text-align: justify; }
        .small { font-size: 0.8em; text-align: left; }
        code { font-size: 0.9em; overflow-wrap: anywhere; }
        """
        return HTMLPage(title: "\(title) \(dossier)", language: "en", paper: paper, style: style, body: body)
    }
}
