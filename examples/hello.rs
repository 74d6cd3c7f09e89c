//! The ceiling for `bench/run`: the smallest actix-web server, built with the same
//! dependencies, features and release profile as Townhall, answering a fixed page.
//! `cargo run --release --example hello -- 127.0.0.1:8090`

use actix_web::{App, HttpResponse, HttpServer, get};

#[get("/")]
async fn hello() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .body("<!doctype html><title>hello</title><p>Hello, world.</p>")
}

#[actix_web::main]
async fn main() -> std::io::Result<()> {
    let bind = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "127.0.0.1:8090".to_string());
    HttpServer::new(|| App::new().service(hello))
        .bind(bind)?
        .run()
        .await
}
