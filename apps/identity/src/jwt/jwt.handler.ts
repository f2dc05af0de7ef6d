import { Injectable } from '@nestjs/common';
import { RpcHandler } from '@parley/common';
import { RPC, RpcParsedRequest } from '@parley/contracts';
import { JwtService } from './jwt.service';

type R = typeof RPC.identity;

@Injectable()
export class JwtHandler {
  constructor(private readonly jwts: JwtService) {}

  @RpcHandler(RPC.identity.jwtIssue)
  issue(p: RpcParsedRequest<R['jwtIssue']>) {
    return this.jwts.issue(p.appId, p.uid, p.authToken);
  }

  @RpcHandler(RPC.identity.jwtVerify)
  verify(p: RpcParsedRequest<R['jwtVerify']>) {
    return this.jwts.verify(p.jwt);
  }
}
