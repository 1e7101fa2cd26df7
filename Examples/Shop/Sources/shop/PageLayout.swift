/// The shop's page frame: header with the signed-in user and a logout button, the page's body,
/// and the chat widget when the page has one.
enum PageLayout {
    static func page(title: String, user: Account? = nil, widget: String = "", body: String) -> String {
        let account = user.map { user in
            """
            <span class="who" data-testid="signed-in">\(escape(user.name))</span>
            <form method="post" action="/logout"><button data-testid="logout">Log out</button></form>
            """
        } ?? #"<a href="/login">Log in</a>"#
        return """
            <!doctype html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(escape(title)) · Oak &amp; Ink</title>
            <link rel="icon" href="/favicon.svg">
            <style>\(style)</style>
            </head>
            <body>
            <header><a class="brand" href="/">Oak &amp; Ink</a><nav>\(account)</nav></header>
            <main>
            \(body)
            </main>
            \(widget)
            </body>
            </html>
            """
    }

    static let style = """
        body{margin:0;font:15px/1.5 system-ui,-apple-system,"Segoe UI",sans-serif;color:#1d2330;background:#faf8f5}
        header{display:flex;align-items:center;justify-content:space-between;padding:14px 28px;background:#2b2118;color:#fff}
        header a{color:#fff}.brand{font-weight:700;font-size:19px;text-decoration:none}
        nav{display:flex;gap:14px;align-items:center}nav form{margin:0}
        nav button{font:inherit;background:#fff2;color:#fff;border:0;border-radius:7px;padding:5px 12px;cursor:pointer}
        main{max-width:760px;margin:32px auto;padding:0 24px}
        table{width:100%;border-collapse:collapse;background:#fff;border-radius:10px;overflow:hidden}
        th,td{text-align:left;padding:10px 14px;border-bottom:1px solid #eee}th{font-size:13px;color:#6b6259}
        .card{background:#fff;border-radius:12px;padding:24px;box-shadow:0 2px 12px #0001;max-width:380px}
        label{display:block;font-weight:600;font-size:13px;margin-top:12px}
        input{width:100%;box-sizing:border-box;padding:9px 11px;border:1px solid #ccc;border-radius:8px;font:inherit}
        .primary{margin-top:18px;background:#2752e7;color:#fff;border:0;border-radius:8px;padding:10px 18px;font:inherit;font-weight:600;cursor:pointer}
        .error{color:#b4232f}.hint{color:#6b6259;font-size:13px}
        .staff{display:inline-block;margin-top:10px;background:#2752e7;color:#fff;padding:10px 16px;border-radius:8px;text-decoration:none;font-weight:600}
        """
}
