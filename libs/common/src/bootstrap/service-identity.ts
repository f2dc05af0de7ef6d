/** The running service's name: its NATS queue group, log `service` field and schema owner. */
export class ServiceIdentity {
  constructor(readonly name: string) {}
}
