// One service's Functions app (.NET 10 isolated worker, Linux) on the shared Elastic Premium plan.
// main.bicep uses it once per service; only the name, the azd service name and the app settings differ.

@description('What the four apps share: plan, identity, storage, telemetry, CORS.')
type Shared = {
  location: string
  tags: object
  @description('Resource id of the Elastic Premium plan.')
  planId: string
  @description('Resource id of the user-assigned identity (host storage, Key Vault references, package fetch).')
  identityId: string
  identityClientId: string
  @description('Storage account of the Functions host (AzureWebJobsStorage), reached with the identity.')
  storageAccountName: string
  appInsightsName: string
  @description('Origins the platform answers CORS preflights for.')
  allowedOrigins: string[]
  @description('Blob container URL holding <packageName>.zip to run from; empty when azd zip-deploys.')
  packageContainerUrl: string
}

@minLength(2)
@maxLength(60)
param name string

@description('The service name in azure.yaml (azd-service-name tag), e.g. donation-service.')
param serviceName string

@description('Name of the app\'s package file (<packageName>.zip) when it runs from a blob.')
param packageName string

param shared Shared

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
  AzureWebJobsStorage__clientId: shared.identityClientId
  // The worker's OpenTelemetry exporter and the host both use the connection string; the host
  // authenticates with the identity (Monitoring Metrics Publisher).
  APPLICATIONINSIGHTS_CONNECTION_STRING: appInsights.properties.ConnectionString
  APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'ClientId=${shared.identityClientId};Authorization=AAD'
  // DefaultAzureCredential in the worker picks the user-assigned identity.
  AZURE_CLIENT_ID: shared.identityClientId
}

// No Azure Files content share (it would need a storage key): the app runs from a package, either
// the one azd's zip deployment leaves on the app, or a blob fetched with the identity.
var packageSettings = empty(shared.packageContainerUrl)
  ? { WEBSITE_RUN_FROM_PACKAGE: '1' }
  : {
      WEBSITE_RUN_FROM_PACKAGE: '${shared.packageContainerUrl}/${packageName}.zip'
      WEBSITE_RUN_FROM_PACKAGE_BLOB_MI_RESOURCE_ID: shared.identityId
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
      '${shared.identityId}': {}
    }
  }
  properties: {
    serverFarmId: shared.planId
    httpsOnly: true
    clientAffinityEnabled: false
    keyVaultReferenceIdentity: shared.identityId
    siteConfig: {
      linuxFxVersion: 'DOTNET-ISOLATED|10.0'
      // Elastic Premium keeps this many instances warm; the RabbitMQ consumers and the outbox
      // relay run in them all the time (alwaysOn is a Dedicated-plan setting, not needed here).
      minimumElasticInstanceCount: 1
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

output name string = site.name
output uri string = 'https://${site.properties.defaultHostName}'
