/** A row of `webhooks.endpoints` (raw SQL; see EndpointRepository). */
export interface EndpointEntity {
  appId: string;
  id: string;
  name: string;
  url: string;
  triggers: string[];
  useBasicAuth: boolean;
  username: string | null;
  password: string | null;
  signingSecret: string;
  enabled: boolean;
  createdAt: Date;
  updatedAt: Date;
}
