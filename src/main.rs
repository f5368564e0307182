fn main() {
    println!("guidebook");
}
