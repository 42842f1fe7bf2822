// One service's Functions app (.NET 10 isolated worker, Linux) on the shared Elastic Premium plan,
// running from <packageName>.zip in the private package container, fetched with the user-assigned
// identity: Microsoft's documented way to run a Premium app without an Azure Files content share.
// resources.bicep uses it once per service; only the name, the azd service name and the app settings
// differ. The postprovision hook uploads the packages (scripts/azd-deploy-packages.sh).

@description('What the four apps share: plan, storage, telemetry, CORS.')
type Shared = {
  location: string
  tags: object
  @description('Resource id of the Elastic Premium plan.')
  planId: string
  @description('Instances kept allocated (minimumElasticInstanceCount); each runs the consumer and the relay.')
  alwaysReadyInstances: int
  @description('Storage account of the Functions host (AzureWebJobsStorage), reached with the identity.')
  storageAccountName: string
  appInsightsName: string
  @description('Resource id of the Log Analytics workspace receiving the app\'s logs and metrics.')
  workspaceId: string
  @description('Origins the platform answers CORS preflights for.')
  allowedOrigins: string[]
  @description('Blob container URL holding <packageName>.zip, the package the app runs from.')
  packageContainerUrl: string
}

@minLength(2)
@maxLength(60)
param name string

@description('The service name in azure.yaml (azd-service-name tag), e.g. donation-service.')
param serviceName string

@description('Name of the app\'s package blob (<packageName>.zip): the service\'s project name.')
param packageName string

param shared Shared

@description('Resource id of the app\'s own user-assigned identity (host storage, its Key Vault secrets only, package fetch).')
param identityId string

param identityClientId string

@description('The service\'s own settings (connection strings as Key Vault references, URLs).')
param appSettings object

resource appInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: shared.appInsightsName
}

var hostSettings = {
  FUNCTIONS_EXTENSION_VERSION: '~4'
  FUNCTIONS_WORKER_RUNTIME: 'dotnet-isolated'
  // Host storage through the identity: no account key anywhere (the account refuses shared keys).
  AzureWebJobsStorage__accountName: shared.storageAccountName
  AzureWebJobsStorage__credential: 'managedidentity'
  AzureWebJobsStorage__clientId: identityClientId
  // Host (host.json telemetryMode OpenTelemetry) and worker (Microsoft.Azure.Functions.Worker.OpenTelemetry)
  // export to this resource, both authenticating with the identity (Monitoring Metrics Publisher):
  // local auth is off, the connection string only names the resource.
  APPLICATIONINSIGHTS_CONNECTION_STRING: appInsights.properties.ConnectionString
  APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'ClientId=${identityClientId};Authorization=AAD'
  // DefaultAzureCredential in the worker picks the user-assigned identity.
  AZURE_CLIENT_ID: identityClientId
}

// No Azure Files content share (it would need a storage key; WEBSITE_CONTENTAZUREFILECONNECTIONSTRING
// and WEBSITE_CONTENTSHARE stay unset): the app runs from a blob fetched with the identity. Until the
// postprovision hook has uploaded it, a new app has no code and answers 503/404.
var packageSettings = {
  WEBSITE_RUN_FROM_PACKAGE: '${shared.packageContainerUrl}/${packageName}.zip'
  WEBSITE_RUN_FROM_PACKAGE_BLOB_MI_RESOURCE_ID: identityId
}

var settings = union(hostSettings, packageSettings, appSettings)

resource site 'Microsoft.Web/sites@2024-04-01' = {
  name: name
  location: shared.location
  tags: union(shared.tags, { 'azd-service-name': serviceName })
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identityId}': {}
    }
  }
  properties: {
    serverFarmId: shared.planId
    httpsOnly: true
    clientAffinityEnabled: false
    keyVaultReferenceIdentity: identityId
    siteConfig: {
      linuxFxVersion: 'DOTNET-ISOLATED|10.0'
      // Elastic Premium keeps this many instances allocated; the RabbitMQ consumer and the outbox
      // relay run in them all the time (alwaysOn is a Dedicated-plan setting, not needed here).
      minimumElasticInstanceCount: shared.alwaysReadyInstances
      // Liveness only (the process answers): the dependency health (/api/health) would have the
      // platform replace every instance while the broker or the database blips.
      healthCheckPath: '/api/health/live'
      ftpsState: 'Disabled'
      minTlsVersion: '1.2'
      scmMinTlsVersion: '1.2'
      http20Enabled: true
      use32BitWorkerProcess: false
      cors: {
        allowedOrigins: shared.allowedOrigins
        supportCredentials: false
      }
    }
  }
}

resource settingsConfig 'Microsoft.Web/sites/config@2024-04-01' = {
  parent: site
  name: 'appsettings'
  properties: settings
}

// Deployments authenticate with Microsoft Entra ID (azd does); no basic-auth publishing credentials.
resource ftpCredentials 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2024-04-01' = {
  parent: site
  name: 'ftp'
  properties: {
    allow: false
  }
}

resource scmCredentials 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2024-04-01' = {
  parent: site
  name: 'scm'
  properties: {
    allow: false
  }
}

resource diagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'to-log-analytics'
  scope: site
  properties: {
    workspaceId: shared.workspaceId
    logs: [{ category: 'FunctionAppLogs', enabled: true }]
    metrics: [{ category: 'AllMetrics', enabled: true }]
  }
}

output name string = site.name
output uri string = 'https://${site.properties.defaultHostName}'
