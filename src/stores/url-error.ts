// The error of a retrieval tied to one URL (HTTP, LDAP, an LDAP URL that does not parse).
// `reason` is what the call reports in its `fetched` list: never an OS error text, so the
// list cannot serve as a port scanner (issue 10 item 4).
export class UrlError extends Error {
  constructor(
    readonly url: string,
    readonly reason: string,
  ) {
    super(`${url}: ${reason}`);
    this.name = new.target.name;
  }
}
