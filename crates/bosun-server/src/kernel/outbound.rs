//! Bosun's own HTTP requests (webhook deliveries, embeddings): one client, http or https
//! (rustls with the ring provider, certificates checked against the system's roots), a 2 s
//! connect timeout, no redirects followed, answers read up to a bound.

use std::sync::Arc;
use std::time::Duration;

use http_body_util::BodyExt;

type Https = hyper_rustls::HttpsConnector<hyper_util::client::legacy::connect::HttpConnector>;
type Client = hyper_util::client::legacy::Client<Https, http_body_util::Full<axum::body::Bytes>>;

/// The most of an answer Bosun reads (an embeddings list of a few thousand floats fits).
const MAX_ANSWER: usize = 8 << 20;

fn client() -> Option<&'static Client> {
    static CLIENT: std::sync::OnceLock<Option<Client>> = std::sync::OnceLock::new();
    CLIENT
        .get_or_init(|| {
            let mut http = hyper_util::client::legacy::connect::HttpConnector::new();
            http.enforce_http(false);
            http.set_connect_timeout(Some(Duration::from_secs(2)));
            let provider = Arc::new(rustls::crypto::ring::default_provider());
            let https = hyper_rustls::HttpsConnectorBuilder::new()
                .with_provider_and_platform_verifier(provider)
                .map_err(|e| tracing::error!(error = %e, "no TLS for outbound requests"))
                .ok()?
                .https_or_http()
                .enable_http1()
                .wrap_connector(http);
            Some(hyper_util::client::legacy::Client::builder(hyper_util::rt::TokioExecutor::new()).build(https))
        })
        .as_ref()
}

/// POST a JSON `body` with these headers; the status and the answer's body (at most 8 MiB),
/// all within `timeout` — or why not, in words fit for a log (never the URL's secrets).
pub async fn post_json(
    url: &str,
    headers: &[(&str, String)],
    body: String,
    timeout: Duration,
) -> Result<(u16, Vec<u8>), String> {
    let client = client().ok_or("no TLS stack for outbound requests")?;
    let mut req = axum::http::Request::post(url).header("content-type", "application/json");
    for (name, value) in headers {
        req = req.header(*name, value);
    }
    let req = req.body(http_body_util::Full::new(axum::body::Bytes::from(body))).map_err(|_| "an invalid URL")?;
    let exchange = async {
        let resp = client.request(req).await.map_err(|_| "could not reach the receiver".to_owned())?;
        let status = resp.status().as_u16();
        let limited = http_body_util::Limited::new(resp.into_body(), MAX_ANSWER);
        let bytes = limited.collect().await.map_err(|_| "the answer was cut off or too large".to_owned())?.to_bytes();
        Ok((status, bytes.to_vec()))
    };
    match tokio::time::timeout(timeout, exchange).await {
        Ok(result) => result,
        Err(_) => Err(format!("no answer in {} ms", timeout.as_millis())),
    }
}
