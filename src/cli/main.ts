export async function main(): Promise<void> {
  process.stdout.write("nixsec\n");
}
