fn main() {
    brook_ui::start();
}
