use clusterlab_app_tests::Browser;
#[tokio::test]
async fn shots() {
    let Some(b) = Browser::open_app().await else {
        return;
    };
    b.click("lessons-button").await.unwrap();
    b.screenshot(std::path::Path::new("/tmp/shot-picker.png"))
        .await
        .unwrap();
    b.click("open-lesson-8").await.unwrap();
    b.click("lesson-forward").await.unwrap();
    b.click("lesson-forward").await.unwrap();
    b.click("node-A").await.unwrap();
    b.click("hint-next").await.unwrap();
    b.eval("window.scrollTo(0,0); return 1;").await.unwrap();
    b.screenshot(std::path::Path::new("/tmp/shot-lesson.png"))
        .await
        .unwrap();
    b.resize(420, 900).await.unwrap();
    b.eval("window.scrollTo(0,0); return 1;").await.unwrap();
    b.screenshot(std::path::Path::new("/tmp/shot-narrow.png"))
        .await
        .unwrap();
    b.resize(1280, 900).await.unwrap();
    b.click("lessons-button").await.unwrap();
    b.click("open-lesson-7").await.unwrap();
    b.click("lesson-forward").await.unwrap();
    b.click("lesson-forward").await.unwrap();
    b.eval("window.scrollTo(0,0); return 1;").await.unwrap();
    b.screenshot(std::path::Path::new("/tmp/shot-scenario.png"))
        .await
        .unwrap();
    b.close().await;
}
